/**
 * A small benchmark harness built for ratios on a noisy machine: every case is warmed up and
 * given a batch size that takes about `batchMs`; then the cases run one batch each, in turn,
 * for `rounds` rounds, so drift (CPU frequency, GC, other processes) hits all of them alike.
 * A case's result is the median of its per-batch ns/op.
 */

export interface Case {
  readonly name: string;
  /** One iteration; must read the whole response body. */
  readonly run: () => Promise<void>;
}

export interface Result {
  readonly name: string;
  /** Median ns per operation over the rounds. */
  readonly ns: number;
  /** Half the spread between the 25th and 75th percentile, relative to the median. */
  readonly spread: number;
  /** Iterations measured (warm-up excluded). */
  readonly iterations: number;
  /** ns/op of each round's batch, in round order. */
  readonly rounds: readonly number[];
}

export interface Settings {
  readonly warmupMs: number;
  readonly batchMs: number;
  readonly rounds: number;
}

const nowNs = (): number => Number(process.hrtime.bigint());

async function timeBatch(c: Case, n: number): Promise<number> {
  const start = nowNs();
  for (let i = 0; i < n; i++) await c.run();
  return (nowNs() - start) / n;
}

export async function runCases(cases: readonly Case[], s: Settings): Promise<Result[]> {
  const batches: number[] = [];
  for (const c of cases) {
    // Warm up (the JIT, connections, caches), and size the batch from the warm-up's speed.
    let n = 0;
    const start = nowNs();
    while (nowNs() - start < s.warmupMs * 1e6) {
      await c.run();
      n++;
    }
    const perOp = (nowNs() - start) / n;
    batches.push(Math.max(1, Math.round((s.batchMs * 1e6) / perOp)));
  }
  const samples: number[][] = cases.map(() => []);
  for (let round = 0; round < s.rounds; round++) {
    // Rotate the order so that no case always follows the same one.
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      samples[i]?.push(await timeBatch(cases[i] as Case, batches[i] ?? 1));
    }
  }
  return cases.map((c, i) => {
    const rounds = samples[i] ?? [];
    const sorted = [...rounds].sort((a, b) => a - b);
    const ns = quantile(sorted, 0.5);
    return {
      name: c.name,
      ns,
      spread: (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 2 / ns,
      iterations: (batches[i] ?? 0) * s.rounds,
      rounds,
    };
  });
}

/**
 * The median over the rounds of `a`'s time divided by `b`'s in the same round: steadier than the
 * ratio of the medians, since both batches of a round ran under the same conditions.
 */
export function ratio(a: Result, b: Result): number {
  const ratios = a.rounds.map((ns, round) => ns / (b.rounds[round] ?? Number.NaN));
  return quantile(
    ratios.sort((x, y) => x - y),
    0.5,
  );
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (b - a) * (pos - lo);
}

/** Formats rows as an aligned text table; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, col) => (col === 0 ? cell.padEnd : cell.padStart).call(cell, widths?.[col] ?? 0))
      .join('  ');
  const [head, ...body] = rows;
  const rule = (widths ?? []).map((w) => '-'.repeat(w)).join('  ');
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}

export function formatNs(ns: number): string {
  return ns >= 1e6
    ? `${(ns / 1e6).toFixed(2)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(0)} ns`;
}

export function formatOps(ns: number): string {
  return Math.round(1e9 / ns).toLocaleString('en-US');
}
