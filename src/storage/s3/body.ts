import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { CodecError } from '../../errors.ts';
import { ignore } from '../fs/files.ts';
import type { EntryMeta, StoredBody } from '../types.ts';
import { storageError } from './bucket.ts';
import type { Context } from './context.ts';
import { ID } from './layout.ts';
import { discardIfCurrent } from './read.ts';

/**
 * Reading bodies: small ones whole, larger ones streamed out of GetObject as they arrive. A body
 * that is missing while its metadata still names it, or has another size than the metadata says,
 * is a corrupted entry: removed, reported, and a miss.
 *
 * @module
 */

/** Bodies up to this size are read whole; larger ones are streamed. */
const READ_WHOLE = 64 * 1024;

type Bytes = Uint8Array<ArrayBuffer>;

/** An entry's body; `null` when it is gone (replaced, deleted) or corrupted. */
export async function readEntryBody(ctx: Context, entry: EntryMeta): Promise<StoredBody | null> {
  if (!ID.test(entry.id)) return null;
  const object = await ctx.bucket.get(ctx.layout.body(entry.id));
  if (object?.Body === undefined) {
    // Gone with a replacement or a deletion, or corrupted if its metadata still names it.
    await corrupted(ctx, entry, 'is missing');
    return null;
  }
  const body = object.Body;
  if (object.ContentLength !== undefined && object.ContentLength !== entry.size) {
    await body.transformToWebStream().cancel();
    await corrupted(ctx, entry, `has ${object.ContentLength} bytes, not ${entry.size}`);
    return null;
  }
  if (entry.size > READ_WHOLE) return counted(ctx, entry, body);
  const bytes = (await body.transformToByteArray()) as Bytes;
  if (bytes.byteLength === entry.size) return bytes;
  await corrupted(ctx, entry, `has ${bytes.byteLength} bytes, not ${entry.size}`);
  return null;
}

/** Removes and reports an entry whose body `problem`, if its metadata still names that body. */
function corrupted(ctx: Context, entry: EntryMeta, problem: string): Promise<void> {
  const name = `s3://${ctx.bucket.name}/${ctx.layout.body(entry.id)}`;
  const error = new CodecError(`the body of ${entry.url} (${name}) ${problem}`);
  return discardIfCurrent(ctx, entry, error, 'body');
}

/**
 * A body streamed as S3 sends it, checked to end at the size its metadata says; failures come
 * as {@link StorageError}s. Cancelling it, or dropping it unread, closes the connection.
 */
function counted(
  ctx: Context,
  entry: EntryMeta,
  body: NonNullable<GetObjectCommandOutput['Body']>,
): ReadableStream<Bytes> {
  const reader = body.transformToWebStream().getReader() as ReadableStreamDefaultReader<Bytes>;
  let received = 0;
  const release = (): void => {
    unread.unregister(reader);
  };
  const stream = new ReadableStream<Bytes>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          received += value?.byteLength ?? 0;
          if (received > entry.size || (done && received < entry.size)) {
            throw new CodecError(
              `the body of ${entry.url} has ${received} bytes, not ${entry.size}`,
            );
          }
          if (!done) return controller.enqueue(value);
          release();
          controller.close();
        } catch (error) {
          release();
          reader.cancel().catch(ignore);
          controller.error(storageError('body', ctx.bucket.name, error));
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  unread.register(stream, reader, reader);
  return stream;
}

/** Closes the connection of a body stream dropped unread (a HEAD response's, say). */
const unread = new FinalizationRegistry<ReadableStreamDefaultReader>((reader) => {
  reader.cancel().catch(ignore);
});
