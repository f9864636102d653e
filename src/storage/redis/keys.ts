import { createHash } from 'node:crypto';
import { OptionsError } from '../../errors.ts';

/**
 * Where {@link RedisStorage} keeps things. Every key of one primary key shares the hash tag
 * `{sha256(key)}`, so they live in one Redis Cluster slot and one Lua script can touch them all:
 *
 * - `<prefix>{<hash>}:v`: a hash, variant → id of the entry that is visible for it.
 * - `<prefix>{<hash>}:e:<id>`: a hash, the entry: `meta` (versioned JSON), `size`, `chunks`,
 *   `hits`, `url`, `variant`, `cost` (body plus metadata bytes) and `deleteAt`.
 * - `<prefix>{<hash>}:b:<id>`: a list, the body in chunks of {@link CHUNK_SIZE} bytes.
 * - `<prefix>{<hash>}:lock`: a string, the token of the process fetching the key from the origin
 *   (coalescing across processes), and `<prefix>{<hash>}:done` the channel it publishes on once
 *   it released it.
 * - `<prefix>{<sha256(url)>}:url`: a set of the key hashes with entries for the URL (a slot of
 *   its own), for `deleteUrl`.
 *
 * @module
 */

/** Bytes of body per element of an entry's body list. */
export const CHUNK_SIZE = 256 * 1024;

/** The key names of one storage: its prefix, and the layout above. */
export class RedisKeys {
  readonly prefix: string;
  readonly #entryKey: RegExp;
  readonly #variantsKey: RegExp;

  constructor(prefix: string) {
    if (prefix === '' || /[{}]/.test(prefix)) {
      throw new OptionsError(
        'prefix',
        `must be a non-empty string without { or }, got "${prefix}"`,
      );
    }
    this.prefix = prefix;
    this.#entryKey = new RegExp(`^${escapeRegExp(prefix)}\\{([0-9a-f]{64})\\}:e:([\\w-]+)$`);
    this.#variantsKey = new RegExp(`^${escapeRegExp(prefix)}\\{([0-9a-f]{64})\\}:v$`);
  }

  /** The hash tag's content for a primary key. */
  hash(key: string): string {
    return sha256(key);
  }

  variants(hash: string): string {
    return `${this.prefix}{${hash}}:v`;
  }

  entry(hash: string, id: string): string {
    return `${this.prefix}{${hash}}:e:${id}`;
  }

  body(hash: string, id: string): string {
    return `${this.prefix}{${hash}}:b:${id}`;
  }

  lock(hash: string): string {
    return `${this.prefix}{${hash}}:lock`;
  }

  /** The pub/sub channel a key's lock holder publishes on when it releases the lock. */
  done(hash: string): string {
    return `${this.prefix}{${hash}}:done`;
  }

  url(url: string): string {
    return `${this.prefix}{${sha256(url)}}:url`;
  }

  /** A SCAN pattern for every entry hash. */
  get entries(): string {
    return `${escapeGlob(this.prefix)}{*}:e:*`;
  }

  /** A SCAN pattern for every key of this storage (and none of another prefix). */
  get everything(): string {
    return `${escapeGlob(this.prefix)}{*`;
  }

  /** The key hash of a variants hash's name; `undefined` for any other key. */
  variantsHash(name: string): string | undefined {
    return this.#variantsKey.exec(name)?.[1];
  }

  /** The key hash and id of an entry hash's name; `undefined` for any other key. */
  parseEntry(name: string): { hash: string; id: string } | undefined {
    const match = this.#entryKey.exec(name);
    return match?.[1] === undefined || match[2] === undefined
      ? undefined
      : { hash: match[1], id: match[2] };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `text` with Redis glob characters escaped, for SCAN's MATCH. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
