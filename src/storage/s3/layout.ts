import { OptionsError } from '../../errors.ts';

/**
 * Where {@link S3Storage} keeps entries in its bucket, under its prefix:
 *
 * ```text
 * <prefix>/entries/<kh>/<vh>.json   metadata of one variant (codec.ts), naming its body by id
 * <prefix>/bodies/<id>              the body, exactly as served
 * <prefix>/urls/<uh>/<kh>           empty: "an entry of key kh has url uh", for deleteUrl
 * <prefix>/tags/<th>/<kh>           empty: "an entry of key kh has tag th", for deleteTag
 * ```
 *
 * `kh`, `vh`, `uh` and `th` are the SHA-256 (hex) of the key, the variant, the URL and the tag; `id` is the
 * entry's random id. A body is uploaded before the metadata that names it and the replaced body
 * deleted after, so a reader never sees metadata naming an incomplete body. Bodies no metadata
 * names (a writer that died between the two) and stale URL and tag index objects are swept by
 * `prune`.
 *
 * @module
 */

export const HASH = /^[0-9a-f]{64}$/;
export const ID = /^[0-9a-f]{32}$/;
const META_NAME = /^([0-9a-f]{64})\.json$/;

/** The object keys of one storage: its prefix and the names under it. */
export class Layout {
  /** `<prefix>/`, or nothing for a storage at the root of its bucket. */
  readonly root: string;
  readonly entries: string;
  readonly bodies: string;
  readonly urls: string;
  readonly tags: string;

  constructor(prefix: string) {
    if (typeof prefix !== 'string') {
      throw new OptionsError('prefix', `must be a string, got ${typeof prefix}`);
    }
    const trimmed = prefix.replace(/^\/+|\/+$/g, '');
    this.root = trimmed === '' ? '' : `${trimmed}/`;
    this.entries = `${this.root}entries/`;
    this.bodies = `${this.root}bodies/`;
    this.urls = `${this.root}urls/`;
    this.tags = `${this.root}tags/`;
  }

  /** The folder of the variants of key `kh`. */
  keyDir(kh: string): string {
    return `${this.entries}${kh}/`;
  }

  /** The metadata object of variant `vh` of key `kh`. */
  meta(kh: string, vh: string): string {
    return `${this.keyDir(kh)}${vh}.json`;
  }

  body(id: string): string {
    return `${this.bodies}${id}`;
  }

  urlDir(uh: string): string {
    return `${this.urls}${uh}/`;
  }

  urlMarker(uh: string, kh: string): string {
    return `${this.urlDir(uh)}${kh}`;
  }

  tagDir(th: string): string {
    return `${this.tags}${th}/`;
  }

  tagMarker(th: string, kh: string): string {
    return `${this.tagDir(th)}${kh}`;
  }

  /** The key and variant hashes of a metadata object's key, if it is one. */
  parseMeta(objectKey: string): { kh: string; vh: string } | undefined {
    if (!objectKey.startsWith(this.entries)) return undefined;
    const [kh, name, ...rest] = objectKey.slice(this.entries.length).split('/');
    const vh = META_NAME.exec(name ?? '')?.[1];
    if (kh === undefined || !HASH.test(kh) || vh === undefined || rest.length > 0) return undefined;
    return { kh, vh };
  }

  /** The id of a body object's key, if it is one. */
  parseBody(objectKey: string): string | undefined {
    const id = objectKey.slice(this.bodies.length);
    return objectKey.startsWith(this.bodies) && ID.test(id) ? id : undefined;
  }

  /** `<uh>/<kh>` of a URL index object's key, if it is one. */
  parseUrlMarker(objectKey: string): string | undefined {
    return parseMarker(this.urls, objectKey);
  }

  /** `<th>/<kh>` of a tag index object's key, if it is one. */
  parseTagMarker(objectKey: string): string | undefined {
    return parseMarker(this.tags, objectKey);
  }
}

/** `<hash>/<kh>` of an index object's key under `folder`, if it is one. */
function parseMarker(folder: string, objectKey: string): string | undefined {
  if (!objectKey.startsWith(folder)) return undefined;
  const rest = objectKey.slice(folder.length);
  const [hash, kh, ...more] = rest.split('/');
  return hash !== undefined &&
    HASH.test(hash) &&
    kh !== undefined &&
    HASH.test(kh) &&
    more.length === 0
    ? rest
    : undefined;
}
