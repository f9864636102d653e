import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { clearCommand } from './commands/clear.ts';
import { getCommand } from './commands/get.ts';
import { lsCommand } from './commands/ls.ts';
import { proxyCommand } from './commands/proxy.ts';
import { pruneCommand } from './commands/prune.ts';
import { purgeCommand } from './commands/purge.ts';
import { showCommand } from './commands/show.ts';
import { statsCommand } from './commands/stats.ts';
import { CliError, ExitCode, errorMessage } from './exit-codes.ts';
import { type Io, processIo } from './io.ts';
import { STORE_URI_FORMS } from './store-uri.ts';

/**
 * The `httpcache` command line: its commands, and how errors become messages and exit codes.
 *
 * @module
 */

const EXAMPLES = `
Examples:
  httpcache get https://example.com/big.iso -o big.iso
  httpcache get -i --fail https://api.example.com/items
  httpcache ls --store fs:./.cache
  httpcache purge https://example.com/big.iso
  httpcache proxy --upstream http://127.0.0.1:3000 --port 8080

The store defaults to SQLite in the user's cache directory; --store or HTTPCACHE_STORE picks
another: ${STORE_URI_FORMS}.`;

/**
 * Runs the command line `argv` (without the node and script paths) and returns the exit code:
 * 0 on success, 2 for a bad command line (after a one-line error and the usage), curl's codes for
 * network and write failures, 1 for anything else.
 */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  let current: Command = program;
  program.hook('preAction', (_program, command) => {
    current = command;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    // commander has printed its message (and the usage) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (!(error instanceof CliError)) {
      io.stderr.write(`error: ${errorMessage(error)}\n`);
      return ExitCode.failure;
    }
    io.stderr.write(`error: ${error.message}\n`);
    if (error.exitCode === ExitCode.usage) io.stderr.write(`${usageHint(current)}\n`);
    return error.exitCode;
  }
}

/** The program with every command; `done` receives each command's exit code. */
export function createProgram(io: Io, done: (code: number) => void): Command {
  const program = new Command('httpcache')
    .description(
      'an RFC 9111 HTTP cache on the command line: cached downloads, and a cache to inspect',
    )
    .version(version(), '-V, --version')
    .addHelpText('after', EXAMPLES);
  const commands = [
    getCommand(io, done),
    lsCommand(io, done),
    showCommand(io, done),
    purgeCommand(io, done),
    pruneCommand(io, done),
    statsCommand(io, done),
    clearCommand(io, done),
    proxyCommand(io, done),
  ];
  for (const command of commands) program.addCommand(command);
  for (const command of [program, ...commands]) {
    command
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
      })
      .showHelpAfterError(usageHint(command))
      .exitOverride();
  }
  return program;
}

/** `Usage: httpcache get [options] <url>` and where to read more. */
function usageHint(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  const path = names.join(' ');
  return `Usage: ${path} ${command.usage()}\nTry '${path} --help' for more information.`;
}

function version(): string {
  // src/cli/program.ts and dist/cli/program.js are both two levels below package.json.
  const manifest: unknown = JSON.parse(
    readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  );
  const value = (manifest as { version?: unknown }).version;
  return typeof value === 'string' ? value : '0.0.0';
}
