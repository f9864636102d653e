/**
 * Exit codes, in curl's spirit: 0 for success, 2 for a bad command line, curl's own numbers for
 * network and write failures and for `--fail`.
 *
 * @module
 */

/** Every exit code the CLI uses. */
export const ExitCode = {
  ok: 0,
  /** Anything else that went wrong: a storage error, nothing stored under a key. */
  failure: 1,
  /** A bad command line: unknown option, missing argument, invalid value. */
  usage: 2,
  /** curl 6: the host name could not be resolved. */
  resolve: 6,
  /** curl 7: no connection to the host. */
  connect: 7,
  /** curl 22: an HTTP error (status >= 400) with `--fail`. */
  http: 22,
  /** curl 23: the body could not be written (output file, closed pipe). */
  write: 23,
  /** curl 28: the operation timed out. */
  timeout: 28,
  /** curl 56: the connection failed while receiving data. */
  receive: 56,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** System error codes by the exit code that reports them. */
const NETWORK_CODES: ReadonlyMap<string, ExitCodeValue> = new Map([
  ['ENOTFOUND', ExitCode.resolve],
  ['EAI_AGAIN', ExitCode.resolve],
  ['ECONNREFUSED', ExitCode.connect],
  ['EHOSTUNREACH', ExitCode.connect],
  ['ENETUNREACH', ExitCode.connect],
  ['EADDRNOTAVAIL', ExitCode.connect],
  ['ETIMEDOUT', ExitCode.timeout],
  ['UND_ERR_CONNECT_TIMEOUT', ExitCode.timeout],
  ['UND_ERR_HEADERS_TIMEOUT', ExitCode.timeout],
  ['UND_ERR_BODY_TIMEOUT', ExitCode.timeout],
]);

/** The exit code for a failed network request: by the error's (or its causes') code, else 56. */
export function networkExitCode(error: unknown): ExitCodeValue {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const exit = typeof code === 'string' ? NETWORK_CODES.get(code) : undefined;
    if (exit !== undefined) return exit;
    e = e.cause;
  }
  return ExitCode.receive;
}

/** An error that ends the command with a message and an exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue;

  constructor(message: string, exitCode: ExitCodeValue = ExitCode.failure, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** One line about `error`: its message and its causes', as in `fetch failed: connect ECONNREFUSED`. */
export function errorMessage(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message !== '' && !parts.includes(message)) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ').replaceAll('\n', ' ');
}
