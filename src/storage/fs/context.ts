import type { Serializer } from '../serializers.ts';
import type { Layout } from './layout.ts';
import type { KeyLocks } from './locks.ts';

/**
 * What the parts of {@link FileSystemStorage} share: where its files are, how metadata is written,
 * its clock, its locks, and where handled problems go.
 *
 * @module
 */

/** The storage as its parts see it. */
export interface Context {
  readonly layout: Layout;
  readonly serializer: Serializer;
  readonly clock: () => number;
  /** The most variants kept per key; the least recently used beyond it are deleted. */
  readonly maxVariants: number;
  /** Serialise this process's operations on one key hash (reads included). */
  readonly locks: KeyLocks;
  /**
   * Runs `action` holding the key's lock in this process and its lock file, so that no other
   * process changes the key's files meanwhile: for every change of a key's files.
   */
  exclusive<T>(kh: string, action: () => Promise<T>): Promise<T>;
  /** Hands a problem the storage handled itself to its reporter. */
  readonly report: (report: Report) => void;
  /** Tells of an entry evicted to stay within the size cap. */
  readonly evicted: (key: string, url: string) => void;
}

/** A problem a storage handled itself, to report. */
export interface Report {
  readonly operation: string;
  readonly error: unknown;
  readonly key: string | undefined;
}

/** What a walk through key directories met, or freed. */
export interface Tally {
  entries: number;
  bytes: number;
}
