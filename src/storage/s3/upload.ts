import type { CompletedPart } from '@aws-sdk/client-s3';
import { concat } from '../bytes.ts';
import { BodyFailure } from '../fs/body-file.ts';
import { ignore } from '../fs/files.ts';
import type { Bucket } from './bucket.ts';

/**
 * Uploading a body stream to one object: a single PutObject when it ends within one part, else a
 * multipart upload, one part buffered while the previous one uploads (so at most two parts are
 * in memory, and a slow S3 slows the reading). The object exists only once the body ended
 * normally; a failed upload is aborted.
 *
 * @module
 */

/** S3's limit on the parts of one upload. */
const MAX_PARTS = 10_000;
const CONTENT_TYPE = 'application/octet-stream';

/** Uploads a body to `key`; returns its size. The stream's own errors come as {@link BodyFailure}. */
export async function uploadBody(
  bucket: Bucket,
  key: string,
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  partSize: number,
): Promise<number> {
  const reader = body.getReader();
  const upload = new Multipart(bucket, key);
  let buffered: Uint8Array<ArrayBuffer>[] = [];
  let bufferedSize = 0;
  let size = 0;
  try {
    for (;;) {
      const result = await reader.read().catch((error: unknown) => {
        throw new BodyFailure(error);
      });
      if (result.done) break;
      buffered.push(result.value);
      bufferedSize += result.value.byteLength;
      size += result.value.byteLength;
      if (bufferedSize >= partSize) {
        await upload.add(concat(buffered, bufferedSize));
        buffered = [];
        bufferedSize = 0;
      }
    }
    const rest = concat(buffered, bufferedSize);
    if (upload.started) await upload.finish(rest);
    else await bucket.put(key, rest, CONTENT_TYPE);
    return size;
  } catch (error) {
    if (!(error instanceof BodyFailure)) await reader.cancel(String(error)).catch(ignore);
    await upload.abort();
    throw error;
  }
}

/** A multipart upload, started with its first part. */
class Multipart {
  readonly #bucket: Bucket;
  readonly #key: string;
  readonly #parts: CompletedPart[] = [];
  #id: string | undefined;
  /** The part being uploaded while the next one is read; resolves with its failure, if any. */
  #uploading: Promise<unknown> = Promise.resolve(undefined);

  constructor(bucket: Bucket, key: string) {
    this.#bucket = bucket;
    this.#key = key;
  }

  get started(): boolean {
    return this.#id !== undefined;
  }

  /** Starts uploading a part once the previous one is uploaded. */
  async add(part: Uint8Array): Promise<void> {
    this.#id ??= await this.#bucket.createUpload(this.#key, CONTENT_TYPE);
    await this.#uploaded();
    const number = this.#parts.length + 1;
    if (number > MAX_PARTS) {
      throw new Error(`the body needs more than ${MAX_PARTS} parts; raise partSize`);
    }
    const id = this.#id;
    this.#uploading = this.#bucket.uploadPart(this.#key, id, number, part).then(
      (completed) => {
        this.#parts[number - 1] = completed;
        return undefined;
      },
      (error: unknown) => error ?? new Error('UploadPart failed'),
    );
  }

  /** Uploads what is left as the last part, if anything is, and completes the upload. */
  async finish(last: Uint8Array): Promise<void> {
    if (last.byteLength > 0) await this.add(last);
    await this.#uploaded();
    await this.#bucket.completeUpload(this.#key, this.#id ?? '', this.#parts);
  }

  /** Gives up the upload, if one was started; S3-compatible servers that cannot are ignored. */
  async abort(): Promise<void> {
    if (this.#id === undefined) return;
    await this.#uploading;
    await this.#bucket.abortUpload(this.#key, this.#id).catch(ignore);
  }

  /** Waits for the part being uploaded; throws its failure. */
  async #uploaded(): Promise<void> {
    const failure = await this.#uploading;
    if (failure !== undefined) throw failure;
  }
}
