import { combine, partRange, type Segment } from '../core/partial.ts';
import type { EntryMeta, EntryToStore, Storage } from '../storage/types.ts';
import { joinBodies, type Piece } from './partial-body.ts';
import { sliceBody } from './range-response.ts';
import type { StorageGate, Subject } from './storage-gate.ts';

/**
 * Storing a part of a representation (a 206, RFC 9111 §3.3), then combining it in the
 * background with the stored parts of the same representation it overlaps or touches (RFC 9111
 * §3.4): into one part, or into the complete response once every byte is there. Only the
 * storage contract is used: a part is an entry of its own variant, and a part combined or
 * superseded is dropped by moving its `deleteAt` into the past, which every storage honours.
 *
 * @module
 */

/**
 * Writes a part, its bytes checked against its `Content-Range`; resolves as {@link Storage.put}
 * does. Combining it with the stored parts follows in the background (`idle()` waits for it);
 * a failure there is an `error` event, and leaves the parts as they were.
 */
export async function putPart(
  gate: StorageGate,
  subject: Subject,
  part: EntryToStore,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  now: number,
): Promise<EntryMeta> {
  const range = partRange(part);
  const length = range === undefined ? 0 : range.end - range.start + 1;
  const meta = await gate.storage.put(part, joinBodies([{ body, length }]));
  gate.track(
    combineStored(gate.storage, meta, now).catch((error: unknown) =>
      gate.failed(subject, 'combine', error),
    ),
  );
  return meta;
}

/** Combines a stored part with the stored parts it joins, and drops those it supersedes. */
async function combineStored(storage: Storage, part: EntryMeta, now: number): Promise<void> {
  const stored = (await storage.get(part.key)).filter((e) => e.deleteAt > now && e.id !== part.id);
  const plan = combine(part, stored);
  let dropped = plan.superseded;
  if (plan.segments.length > 1 || plan.entry.status !== part.status) {
    const pieces = await piecesOf(storage, part, plan.segments);
    if (pieces !== undefined) {
      const combined: EntryMeta = { ...part, ...plan.entry };
      const { id: _id, size: _size, hits: _hits, ...entry } = combined;
      await storage.put(entry, joinBodies(pieces));
      // RFC 9111 §3.4 leaves the parts combined unused (the new one too, unless replaced).
      dropped = [...dropped, ...plan.absorbed, part];
    }
  }
  for (const entry of dropped) await storage.update(entry, { deleteAt: 0 });
}

/**
 * The pieces of the combined body, each from storage, or `undefined` when a part's body is gone
 * (nothing is combined then).
 */
async function piecesOf(
  storage: Storage,
  part: EntryMeta,
  segments: readonly Segment<EntryMeta>[],
): Promise<Piece[] | undefined> {
  const pieces: Piece[] = [];
  for (const segment of segments) {
    const entry = segment.source === 'new' ? part : segment.entry;
    const body = await storage.body(entry);
    if (body === null || (body instanceof Uint8Array && body.byteLength !== entry.size)) {
      for (const piece of pieces) {
        if (piece.body instanceof ReadableStream) await piece.body.cancel();
      }
      return undefined;
    }
    const { skip, take } = segment.source === 'new' ? { skip: 0, take: part.size } : segment;
    pieces.push({ body: sliceBody(body, skip, skip + take - 1), length: take });
  }
  return pieces;
}
