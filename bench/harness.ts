import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Origin } from './origin.ts';

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
  /**
   * For a hit: the origin path it requests. {@link measure} runs the case until it is served
   * without reaching the origin, and fails if any request reaches that path while measured.
   */
  readonly hit?: string;
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

/** Where a ratio goes in the chart (`--chart`): a bar named `bar` in the row titled `row`. */
export interface ChartBar {
  readonly row: string;
  readonly bar: string;
}

/**
 * What every row of the summary may carry besides its value: its target, what missing it means,
 * and its place in the chart. A group's figures are returned to `run.ts`, which prints them all
 * and (with `--chart`) draws the ratios that have a `chart` place.
 */
export interface TargetInfo {
  /** The most the value may be. */
  readonly target?: number;
  /** One line, printed when the target is missed: what a MISSED value means for a user. */
  readonly explain?: string;
  readonly chart?: ChartBar;
}

/** A ratio to report: `numerator`'s time over `denominator`'s (same rounds), with its target. */
export interface RatioSpec extends TargetInfo {
  readonly label: string;
  readonly numerator: string;
  readonly denominator: string;
}

/** A figure to report (a ratio, or a time, a size), with its target if it has one. */
export interface Figure extends TargetInfo {
  readonly label: string;
  readonly value: number;
  /** Shown after the value. @default 'x' (a ratio) */
  readonly unit?: string;
}

/** Whether a figure meets its target (at the two decimals shown); `undefined` without a target. */
export function verdict(row: Figure): 'ok' | 'MISSED' | undefined {
  if (row.target === undefined) return undefined;
  return Number(row.value.toFixed(2)) <= row.target ? 'ok' : 'MISSED';
}

/**
 * Fills the caches of the hit cases, runs `cases` interleaved, checks the hits stayed hits,
 * prints the times and ratios under `title`, and returns the ratios.
 */
export async function measure(
  title: string,
  cases: readonly Case[],
  ratios: readonly RatioSpec[],
  { origin, settings: s }: GroupContext,
): Promise<Figure[]> {
  const hits = cases.flatMap((c) => (c.hit === undefined ? [] : [c.hit]));
  for (const c of cases) if (c.hit !== undefined) await untilHit(origin, c.hit, c.run);
  const unchanged = origin.unchanged(hits);
  const started = performance.now();
  const results = await runCases(cases, s);
  const seconds = (performance.now() - started) / 1000;
  unchanged();
  const byName = new Map(results.map((r) => [r.name, r]));
  const rows = ratios.map(({ numerator, denominator, ...spec }): Figure => {
    const [a, b] = [byName.get(numerator), byName.get(denominator)];
    const value = a === undefined || b === undefined ? Number.NaN : ratio(a, b);
    return { ...spec, value };
  });
  console.log(
    `\n== ${title}: ${s.rounds} interleaved rounds of ~${s.batchMs} ms per case, ${seconds.toFixed(0)} s\n`,
  );
  console.log(
    table([
      ['case', 'time/op', 'ops/s', '±', 'iterations'],
      ...results.map((r) => [
        r.name,
        formatNs(r.ns),
        formatOps(r.ns),
        `${(r.spread * 100).toFixed(1)}%`,
        r.iterations.toLocaleString('en-US'),
      ]),
    ]),
  );
  console.log();
  console.log(figureTable(rows));
  return rows;
}

/** Figures as a table: value, target and verdict. */
export function figureTable(rows: readonly Figure[]): string {
  return table([
    ['ratio or figure (lower is better)', 'value', 'target', ''],
    ...rows.map((row) => {
      const unit = row.unit ?? 'x';
      const target = row.target === undefined ? '-' : `<= ${row.target}${unit}`;
      return [row.label, `${row.value.toFixed(2)}${unit}`, target, verdict(row) ?? ''];
    }),
  ]);
}

/** One line per missed target: what it means (its `explain`). */
export function missedLines(rows: readonly Figure[]): string[] {
  return rows
    .filter((row) => verdict(row) === 'MISSED')
    .map((row) => `MISSED ${row.label}: ${row.explain ?? 'over its target'}`);
}

/** Throws (ending the run) when what a case relies on does not hold. */
export function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench: ${what}`);
}

const temporary = new Set<string>();
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A new directory under the OS's temp dir; removed by {@link removeTemp}, or at exit. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `httpcache-bench-${name}-`));
  temporary.add(dir);
  return dir;
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  temporary.delete(dir);
}

/**
 * Runs `run` (a case) until it succeeds without reaching the origin for `path`: the first run is
 * a miss that stores, and some caches store only after the body has been read.
 */
async function untilHit(origin: Origin, path: string, run: () => Promise<void>): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    const before = origin.count(path);
    const ok = await run().then(
      () => true,
      () => false,
    );
    if (ok && origin.count(path) === before) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`bench: ${path} is never served from the cache`);
}

/** What every group gets from `run.ts`. */
export interface GroupContext {
  readonly origin: Origin;
  readonly settings: Settings;
  /** A smoke run: fewer rounds, a smaller large body. */
  readonly quick: boolean;
}

/** A group of cases: runs them, prints its tables, and returns its figures. */
export type Group = (context: GroupContext) => Promise<Figure[]>;
