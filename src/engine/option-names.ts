import { OptionsError } from '../errors.ts';

/**
 * Catching misspelt option names: a member an options object does not define is an
 * `OptionsError` naming it, with the closest known name when one is close.
 *
 * @module
 */

/**
 * Throws an {@link OptionsError} for the first member of `value` that is not in `known`, named
 * `prefix` + its name (e.g. `httpcache.ttl`).
 */
export function rejectUnknownNames(value: object, known: readonly string[], prefix = ''): void {
  for (const name of Object.keys(value)) {
    if (known.includes(name)) continue;
    const close = closestName(name, known);
    const hint = close === undefined ? '' : `; did you mean \`${prefix}${close}\`?`;
    throw new OptionsError(`${prefix}${name}`, `is not an option${hint}`);
  }
}

/** The known name a typo most likely meant: at most two edits away, case aside. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(name.length / 2));
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  return best;
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
