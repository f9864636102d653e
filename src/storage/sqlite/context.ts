import type { DatabaseSync } from 'node:sqlite';
import type { Statements } from './statements.ts';

/**
 * What the parts of {@link SqliteStorage} share.
 *
 * @module
 */

/** The storage as its parts see it. */
export interface SqliteContext {
  readonly db: DatabaseSync;
  readonly sql: Statements;
  /** The database file (or `':memory:'`), to name in errors. */
  readonly path: string;
  readonly clock: () => number;
  /** The most bytes to keep; `Infinity` for no cap. */
  readonly maxBytes: number;
  /** The most variants to keep per key. */
  readonly maxVariants: number;
  /**
   * Body bytes of this storage's writes in progress: they count against {@link maxBytes} as they
   * arrive, and are released when the write commits (then counted as stored) or is abandoned.
   */
  readonly inFlight: { bytes: number };
  /** Ids of this storage's writes in progress, which no sweep may take. */
  readonly writes: Set<number>;
  /** Ids of this storage's readers (rows of `readers`), which no sweep may take. */
  readonly readers: Set<number>;
  /** Whether the storage was closed. */
  closed(): boolean;
  /** Runs `fn` as storage `operation`: refused once closed; every failure a StorageError. */
  run<T>(operation: string, fn: () => T): T;
  /** Hands a problem the storage handled itself to its reporter (which may not throw at us). */
  report(operation: string, error: unknown, key: string | undefined): void;
  /** Tells of an entry evicted to stay within the size cap. */
  evicted(key: string, url: string): void;
}
