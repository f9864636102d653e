import { combine, partRange, type Segment } from '../core/partial.ts';
import type { EntryMeta, EntryToStore, Storage } from '../storage/types.ts';
import { joinBodies, type Piece } from './partial-body.ts';
import { sliceBody } from './range-response.ts';

/**
 * Storing a part of a representation (a 206, RFC 9111 §3.3): combined on its way into storage
 * with the stored parts of the same representation it overlaps or touches (RFC 9111 §3.4), into
 * one part, or into the complete response once every byte is there. Only the storage contract is
 * used: a part is an entry of its own variant, and a part absorbed or superseded is dropped by
 * moving its `deleteAt` into the past, which every storage honours.
 *
 * @module
 */

/**
 * Writes a part, combined with the stored parts it joins; resolves as {@link Storage.put} does.
 * If a stored part's body is gone, the new part is stored as it came.
 */
export async function putPart(
  storage: Storage,
  part: EntryToStore,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  now: number,
): Promise<EntryMeta> {
  let stored: EntryMeta[];
  try {
    stored = (await storage.get(part.key)).filter((e) => e.deleteAt > now);
  } catch {
    stored = [];
  }
  const plan = combine(part, stored);
  let entry: EntryToStore = { ...part, ...plan.entry };
  // RFC 9111 §3.4 leaves the parts combined unused; a part of another representation is stale.
  let dropped = [...plan.absorbed, ...plan.superseded];
  const range = partRange(part);
  // The part's bytes are checked against its Content-Range as they arrive: a body of another
  // length is not stored.
  const incoming: Piece = { body, length: range === undefined ? 0 : range.end - range.start + 1 };
  let pieces: Piece[] = [incoming];
  if (plan.segments.length > 1) {
    const combined = await piecesOf(storage, plan.segments, incoming);
    if (combined === undefined) {
      entry = part;
      dropped = [...plan.superseded];
    } else {
      pieces = combined;
    }
  }
  const meta = await storage.put(entry, joinBodies(pieces));
  await Promise.all(dropped.map((e) => storage.update(e, { deleteAt: 0 }).catch(() => false)));
  return meta;
}

/**
 * The pieces of the combined body, or `undefined` when a stored part's body is gone (the new part
 * is then stored alone).
 */
async function piecesOf(
  storage: Storage,
  segments: readonly Segment<EntryMeta>[],
  incoming: Piece,
): Promise<Piece[] | undefined> {
  const pieces: Piece[] = [];
  for (const segment of segments) {
    if (segment.source === 'new') {
      pieces.push(incoming);
      continue;
    }
    const stored = await storage.body(segment.entry).catch(() => null);
    if (
      stored === null ||
      (stored instanceof Uint8Array && stored.byteLength !== segment.entry.size)
    ) {
      for (const piece of pieces) {
        if (piece !== incoming && piece.body instanceof ReadableStream) await piece.body.cancel();
      }
      return undefined;
    }
    const { skip, take } = segment;
    pieces.push({ body: sliceBody(stored, skip, skip + take - 1), length: take });
  }
  return pieces;
}
