import type { CompletedPart, GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { CodecError, isHttpCacheError, StorageError } from '../../errors.ts';

/**
 * The S3 requests {@link S3Storage} makes, through the user's `S3Client`. The SDK's command
 * classes are imported on first use, so `httpcache/s3` loads without `@aws-sdk/client-s3`.
 * Each request is abandoned when it has no answer within the timeout; a missing object is
 * `undefined`, never an error.
 *
 * @module
 */

type Sdk = typeof import('@aws-sdk/client-s3');

/** An object met while listing. */
export interface Listed {
  readonly key: string;
  readonly size: number;
  /** When S3 last wrote it (ms since epoch, S3's clock). */
  readonly modified: number;
}

/** At most this many keys a DeleteObjects request takes (S3's limit). */
const DELETE_BATCH = 1000;

let loading: Promise<Sdk> | undefined;

/** The SDK's module, imported once. */
function sdk(): Promise<Sdk> {
  loading ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
    loading = undefined;
    throw new Error(
      'S3Storage needs the optional dependency @aws-sdk/client-s3: npm install @aws-sdk/client-s3',
      { cause: error },
    );
  });
  return loading;
}

/** One bucket as the storage uses it. */
export class Bucket {
  readonly name: string;
  readonly #client: S3Client;
  readonly #timeout: number;

  constructor(client: S3Client, name: string, timeout: number) {
    this.#client = client;
    this.name = name;
    this.#timeout = timeout;
  }

  /** An object, its body still to read; `undefined` when there is none. */
  async get(key: string): Promise<GetObjectCommandOutput | undefined> {
    const { GetObjectCommand } = await sdk();
    const input = { Bucket: this.name, Key: key };
    return this.#send('GetObject', (o) => this.#client.send(new GetObjectCommand(input), o)).catch(
      notFound,
    );
  }

  /** An object's bytes, read whole, and its ETag; `undefined` when there is none. */
  async bytes(key: string): Promise<{ bytes: Uint8Array; etag?: string } | undefined> {
    const object = await this.get(key);
    const bytes = await object?.Body?.transformToByteArray();
    if (bytes === undefined) return undefined;
    return object?.ETag === undefined ? { bytes } : { bytes, etag: object.ETag };
  }

  /**
   * Writes an object. With `ifMatch`, only over the object of that ETag: a server that honours
   * conditional writes then rejects with an error {@link isConflict} recognises when another
   * writer came first.
   */
  async put(key: string, body: Uint8Array, contentType: string, ifMatch?: string): Promise<void> {
    const { PutObjectCommand } = await sdk();
    const input = { Bucket: this.name, Key: key, Body: body, ContentType: contentType };
    const conditional = ifMatch === undefined ? input : { ...input, IfMatch: ifMatch };
    await this.#send('PutObject', (o) => this.#client.send(new PutObjectCommand(conditional), o));
  }

  /** Deletes objects, in batches; a missing one is no error. */
  async delete(keys: readonly string[]): Promise<void> {
    const { DeleteObjectCommand, DeleteObjectsCommand } = await sdk();
    if (keys.length === 1) {
      const input = { Bucket: this.name, Key: keys[0] };
      await this.#send('DeleteObject', (o) => this.#client.send(new DeleteObjectCommand(input), o));
      return;
    }
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH).map((Key) => ({ Key }));
      const input = { Bucket: this.name, Delete: { Objects: batch, Quiet: true } };
      const output = await this.#send('DeleteObjects', (o) =>
        this.#client.send(new DeleteObjectsCommand(input), o),
      );
      const failed = output.Errors?.[0];
      if (failed !== undefined) {
        throw new Error(`DeleteObjects failed for ${failed.Key}: ${failed.Code} ${failed.Message}`);
      }
    }
  }

  /** Every object under `prefix`, page by page (ListObjectsV2). */
  async *list(prefix: string): AsyncGenerator<Listed[]> {
    const { ListObjectsV2Command } = await sdk();
    let token: string | undefined;
    do {
      const input = { Bucket: this.name, Prefix: prefix, ContinuationToken: token };
      const page = await this.#send('ListObjectsV2', (o) =>
        this.#client.send(new ListObjectsV2Command(input), o),
      );
      yield (page.Contents ?? []).flatMap(({ Key, Size, LastModified }) =>
        Key === undefined
          ? []
          : [{ key: Key, size: Size ?? 0, modified: LastModified?.getTime() ?? 0 }],
      );
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /** Starts a multipart upload; returns its id. */
  async createUpload(key: string, contentType: string): Promise<string> {
    const { CreateMultipartUploadCommand } = await sdk();
    const input = { Bucket: this.name, Key: key, ContentType: contentType };
    const { UploadId } = await this.#send('CreateMultipartUpload', (o) =>
      this.#client.send(new CreateMultipartUploadCommand(input), o),
    );
    if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
    return UploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    number: number,
    body: Uint8Array,
  ): Promise<CompletedPart> {
    const { UploadPartCommand } = await sdk();
    const input = {
      Bucket: this.name,
      Key: key,
      UploadId: uploadId,
      PartNumber: number,
      Body: body,
    };
    const part = await this.#send('UploadPart', (o) =>
      this.#client.send(new UploadPartCommand(input), o),
    );
    // The ETag and whatever checksums S3 computed, as CompleteMultipartUpload wants them.
    return {
      PartNumber: number,
      ETag: part.ETag,
      ChecksumCRC32: part.ChecksumCRC32,
      ChecksumCRC32C: part.ChecksumCRC32C,
      ChecksumCRC64NVME: part.ChecksumCRC64NVME,
      ChecksumSHA1: part.ChecksumSHA1,
      ChecksumSHA256: part.ChecksumSHA256,
    };
  }

  async completeUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    const { CompleteMultipartUploadCommand } = await sdk();
    const input = {
      Bucket: this.name,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    };
    await this.#send('CompleteMultipartUpload', (o) =>
      this.#client.send(new CompleteMultipartUploadCommand(input), o),
    );
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    const { AbortMultipartUploadCommand } = await sdk();
    const input = { Bucket: this.name, Key: key, UploadId: uploadId };
    await this.#send('AbortMultipartUpload', (o) =>
      this.#client.send(new AbortMultipartUploadCommand(input), o),
    );
  }

  /**
   * Sends a request, abandoning it when no answer came within the timeout (retries included).
   * The deadline ends with the answer: a body read afterwards is not cut short by it.
   */
  async #send<T>(
    name: string,
    send: (options: { abortSignal: AbortSignal }) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new Error(`S3 ${name} got no answer within ${this.#timeout} ms`));
    }, this.#timeout);
    try {
      return await send({ abortSignal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `undefined` for S3's "no such key", else the error again. */
function notFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

export function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  // A 404 without S3's code (some S3-compatible servers) is a missing key too; a missing bucket is not.
  return name === 'NoSuchKey' || ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket');
}

/**
 * Whether a conditional write failed because the object changed since it was read: 412
 * Precondition Failed, or 409 when another conditional write to it was under way.
 */
export function isConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}

/** A failure as the storage's callers get it: a {@link StorageError} unless it is already ours. */
export function storageError(operation: string, bucket: string, error: unknown): Error {
  if (isHttpCacheError(error) && !(error instanceof CodecError)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new StorageError(operation, `S3 bucket \`${bucket}\`: ${text}`, { cause: error });
}
