import type { KeyLocks } from '../fs/locks.ts';
import type { Bucket } from './bucket.ts';
import type { Layout } from './layout.ts';

/**
 * What the parts of {@link S3Storage} share: its bucket and layout, its clock, its in-process
 * locks, its part size, and where handled problems go.
 *
 * @module
 */

export interface Context {
  readonly bucket: Bucket;
  readonly layout: Layout;
  readonly clock: () => number;
  /** Serialise this process's writes of one key hash. */
  readonly locks: KeyLocks;
  /** The size of the parts of a multipart upload; smaller bodies take one PutObject. */
  readonly partSize: number;
  /** The most variants kept per key; the least recently used beyond it are deleted. */
  readonly maxVariants: number;
  /** Hands a problem the storage handled itself to its reporter. */
  readonly report: (operation: string, error: unknown, key: string | undefined) => void;
}

/** What a walk through the entries met, or freed. */
export interface Tally {
  entries: number;
  bytes: number;
}
