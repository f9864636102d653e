import { runSuite } from './entry.ts';

/**
 * The entry for runtimes with a command line (Node, Deno, Bun): `<origin> <runtime>` as
 * arguments, the results as one JSON line on stdout.
 *
 * @module
 */

const runtime = globalThis as { Deno?: { args: string[] }; process?: { argv: string[] } };
const [origin = '', name = ''] = runtime.Deno?.args ?? runtime.process?.argv.slice(2) ?? [];
console.log(JSON.stringify(await runSuite({ origin, runtime: name })));
