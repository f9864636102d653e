/**
 * Node 22 prints an `ExperimentalWarning` for `node:sqlite` on every start of the command, which
 * the user did not ask about and cannot act on (Node 24 no longer prints it). This module imports
 * nothing, so the bin can install the filter before `node:sqlite` loads.
 *
 * @module
 */

/** The part of `process` the filter uses. */
type WarningSource = Pick<NodeJS.EventEmitter, 'listeners' | 'removeAllListeners' | 'on'>;

/** Whether `warning` is Node's notice that `node:sqlite` is experimental. */
export function isSqliteExperimentalWarning(warning: Error): boolean {
  return warning.name === 'ExperimentalWarning' && /\bSQLite\b/.test(warning.message);
}

/**
 * Keeps Node's own printing of warnings (the listeners it installed) for every warning but the
 * `node:sqlite` notice. Under `--no-warnings` there is no printer, and nothing changes.
 */
export function quietSqliteWarning(source: WarningSource): void {
  const printers = source.listeners('warning');
  if (printers.length === 0) return;
  source.removeAllListeners('warning');
  source.on('warning', (warning: Error) => {
    if (isSqliteExperimentalWarning(warning)) return;
    for (const print of printers) Reflect.apply(print, source, [warning]);
  });
}
