import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isSqliteExperimentalWarning, quietSqliteWarning } from '../../src/cli/warnings.ts';

function experimental(message: string): Error {
  const warning = new Error(message);
  warning.name = 'ExperimentalWarning';
  return warning;
}

const sqlite = experimental('SQLite is an experimental feature and might change at any time');

describe('the command keeps Node warnings but the node:sqlite notice', () => {
  it('recognises the notice Node 22 prints, and nothing else', () => {
    expect(isSqliteExperimentalWarning(sqlite)).toBe(true);
    expect(isSqliteExperimentalWarning(experimental('WASI is an experimental feature'))).toBe(
      false,
    );
    const other = new Error('SQLite is an experimental feature');
    expect(isSqliteExperimentalWarning(other)).toBe(false);
  });

  it("drops the notice and hands every other warning to Node's printer", () => {
    const source = new EventEmitter();
    const printed: string[] = [];
    source.on('warning', (warning: Error) => printed.push(warning.message));
    quietSqliteWarning(source);
    source.emit('warning', sqlite);
    source.emit('warning', experimental('WASI is an experimental feature'));
    expect(printed).toEqual(['WASI is an experimental feature']);
  });

  it('adds nothing when warnings are not printed (--no-warnings)', () => {
    const source = new EventEmitter();
    quietSqliteWarning(source);
    expect(source.listenerCount('warning')).toBe(0);
  });
});
