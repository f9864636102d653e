import type { EntryMeta } from './types.ts';

/**
 * Byte helpers the storages share.
 *
 * @module
 */

/** The chunks as one array of `size` bytes (the chunk itself when there is only one). */
export function concat(chunks: Uint8Array<ArrayBuffer>[], size: number): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * A rough size of an entry's metadata (URL, key, variant, fields, Vary values), so that many tiny
 * bodies, or many variants, still count against a byte cap.
 */
export function metaCost(meta: EntryMeta): number {
  let cost = 256 + meta.url.length + meta.key.length + meta.variant.length;
  for (const [name, value] of meta.headers) cost += name.length + value.length;
  for (const name in meta.vary) cost += name.length + (meta.vary[name]?.length ?? 0);
  return cost;
}
