/**
 * The results of a conformance run, per door and mode: how many cases of each kind passed, and
 * which failed with what message. Printed after the run as Markdown (the README's table is it).
 */
const KINDS = ['required', 'optimal', 'check'] as const;
/** The grades of upstream's cases. */
export type Kind = (typeof KINDS)[number];

interface Failed {
  readonly id: string;
  readonly kind: Kind;
  readonly message: string;
}

interface Column {
  readonly passed: Record<Kind, number>;
  readonly ran: Record<Kind, number>;
  readonly failed: Failed[];
}

/** Results recorded as the cases run. */
export class Results {
  /** By "door (mode)", in the order they ran. */
  readonly #columns = new Map<string, Column>();

  /** Records a case's result: passed, or failed with `message`. */
  record(door: string, shared: boolean, kind: Kind, id: string, failure?: string): void {
    const name = `${door} (${shared ? 'shared' : 'private'})`;
    let column = this.#columns.get(name);
    if (column === undefined) {
      column = {
        passed: { required: 0, optimal: 0, check: 0 },
        ran: { required: 0, optimal: 0, check: 0 },
        failed: [],
      };
      this.#columns.set(name, column);
    }
    column.ran[kind]++;
    if (failure === undefined) column.passed[kind]++;
    else column.failed.push({ id, kind, message: failure });
  }

  /** A Markdown table of passes and failures per door and kind, then each failing case. */
  table(): string {
    const lines = [
      '| door (cache) | required pass / fail | optimal pass / fail | check pass / fail |',
      '| --- | --- | --- | --- |',
      ...[...this.#columns].map(
        ([name, c]) =>
          `| ${name} | ${KINDS.map((k) => `${c.passed[k]} / ${c.ran[k] - c.passed[k]}`).join(' | ')} |`,
      ),
      '',
      'Failing cases (kind, id, where: message):',
    ];
    // One line per case and message, in the order the kinds are graded.
    const byFailure = new Map<
      string,
      { kind: Kind; id: string; message: string; where: string[] }
    >();
    for (const [name, column] of this.#columns) {
      for (const { id, kind, message } of column.failed) {
        const key = `${id}\n${message}`;
        const entry = byFailure.get(key) ?? { kind, id, message, where: [] };
        entry.where.push(name);
        byFailure.set(key, entry);
      }
    }
    for (const kind of KINDS) {
      for (const entry of byFailure.values()) {
        if (entry.kind !== kind) continue;
        const where = entry.where.length === this.#columns.size ? 'all' : entry.where.join(', ');
        lines.push(`- ${kind} ${entry.id} (${where}): ${entry.message.trim()}`);
      }
    }
    return lines.join('\n');
  }
}
