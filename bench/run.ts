/**
 * `npm run bench [-- group...] [--quick] [--chart]`: every group by default, or the ones named;
 * see README.md. `--quick` is a smoke run whose numbers mean little; `--chart` also draws the
 * ratios with a chart place into `docs/bench.svg`.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { chart } from './chart.ts';
import { core } from './core.ts';
import {
  type Figure,
  figureTable,
  type Group,
  missedLines,
  type Settings,
  verdict,
} from './harness.ts';
import { integrations } from './integrations.ts';
import { large } from './large.ts';
import { misses } from './misses.ts';
import { startOrigin } from './origin.ts';
import { proxy } from './proxy.ts';
import { redis } from './redis.ts';
import { size } from './size.ts';
import { storage } from './storage.ts';

// `large` first: its RSS figures are measured before the other groups have grown the heap, whose
// freed pages would otherwise absorb (and hide) its growth.
const GROUPS: Record<string, Group> = {
  large,
  core,
  misses,
  storage,
  redis,
  integrations,
  proxy,
  size,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const drawChart = args.includes('--chart');
const named = args.filter((arg) => !arg.startsWith('--'));
const unknown = named.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(`unknown group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const selected = named.length > 0 ? named : Object.keys(GROUPS);
const settings: Settings = quick
  ? { warmupMs: 200, batchMs: 20, rounds: 8 }
  : { warmupMs: 1000, batchMs: 100, rounds: 40 };

// Ctrl-C still runs the exit handlers that remove temp files and stop redis-server.
process.once('SIGINT', () => process.exit(130));

console.log(
  `httpcache bench: Node ${process.version}, ${cpus().length} CPUs, groups: ${selected.join(', ')}${quick ? ' (--quick: numbers not to be trusted)' : ''}`,
);
const started = performance.now();
const origin = await startOrigin();
const rows: Figure[] = [];
try {
  for (const name of selected) rows.push(...(await GROUPS[name]!({ origin, settings, quick })));
} finally {
  await origin.close();
}

const missed = rows.filter((row) => verdict(row) === 'MISSED');
console.log(
  `\n== summary: ${((performance.now() - started) / 1000).toFixed(0)} s, ${rows.filter((row) => verdict(row) === 'ok').length} targets met, ${missed.length} missed\n`,
);
console.log(figureTable(rows));
const explained = missedLines(rows);
if (explained.length > 0) console.log(`\n${explained.join('\n')}`);

if (drawChart) {
  const file = new URL('../docs/bench.svg', import.meta.url);
  const title = `httpcache and its peers: Node ${process.version}, ${cpus().length} CPUs`;
  writeFileSync(file, chart(rows, title));
  console.log(`\nchart written to docs/bench.svg`);
}
