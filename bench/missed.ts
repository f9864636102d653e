import { type Figure, verdict } from './harness.ts';

/**
 * Prints one line per missed target of `rows`: what missing it means, from `why` (keyed by the
 * start of a row's label).
 */
export function explainMissed(
  rows: readonly Figure[],
  why: Readonly<Record<string, string>>,
): void {
  for (const row of rows) {
    if (verdict(row) !== 'MISSED') continue;
    const reason = Object.entries(why).find(([start]) => row.label.startsWith(start))?.[1];
    console.log(`MISSED ${row.label}: ${reason ?? 'no explanation recorded'}`);
  }
}
