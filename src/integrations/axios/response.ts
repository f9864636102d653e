import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { AxiosStatic, InternalAxiosRequestConfig } from 'axios';
import { type Answer, isStoredAnswer, type StoredAnswer } from '../../engine/answer.ts';
import { type CacheMetadata, cacheStatus } from '../../engine/metadata.ts';
import { answerHasBody } from '../../engine/respond.ts';
import type { CachedAxiosResponse } from '../axios.ts';
import { answerAxiosHeaders, answerObject, headerObject } from './headers.ts';
import { nodeModule } from './node-modules.ts';

/**
 * The caller side of the axios integration: the engine's `Response` made into what axios' own
 * adapter would have resolved with for the request's `responseType`, then settled with the
 * caller's `validateStatus`.
 *
 * @module
 */

/** Content codings axios' http adapter decodes, and how. */
const CODINGS = ['gzip', 'x-gzip', 'compress', 'x-compress', 'deflate', 'br', 'zstd'];

/** How the adapter that would have answered represents data. */
export interface Flavour {
  /** axios' Node.js http adapter: Buffers, Node streams, content codings decoded. */
  readonly node: boolean;
  /** The adapter's `request` (for origin responses). */
  readonly request: unknown;
}

/** What an axios response is made from: an engine `Response`, or a stored one's parts. */
interface Source {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string | string[]>;
  readonly metadata: CacheMetadata | undefined;
  /** A stored body, whole (absent for an engine `Response`). */
  readonly stored: Uint8Array<ArrayBuffer> | undefined;
  /** An engine `Response`'s body. */
  readonly body: ReadableStream<Uint8Array> | null;
  /** The stored answer, whose fields are kept converted (absent for an engine `Response`). */
  readonly answer: StoredAnswer | undefined;
}

/**
 * The axios response for the engine's answer, or the `AxiosError` its status earns; at once for
 * a stored body that needs no decoding or stream (a rejected promise or a throw on error).
 */
export function toAxiosResponse(
  axios: AxiosStatic,
  answer: Answer,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
): CachedAxiosResponse | Promise<CachedAxiosResponse> {
  const source = sourceOf(answer);
  const { headers } = source;
  const coding = flavour.node && config.decompress !== false ? codingOf(headers) : undefined;
  if (coding !== undefined) delete headers['content-encoding'];
  // The fields kept converted are those of the answer: without a coding decoded on the way.
  const fields = coding === undefined ? source.answer : undefined;
  const type = (config.responseType ?? 'json').toLowerCase();
  const { stored } = source;
  if (
    stored !== undefined &&
    type !== 'stream' &&
    coding === undefined &&
    (flavour.node || type !== 'formdata')
  ) {
    const bytes = checked(axios, stored, config, flavour);
    const data = fromBytes(source, bytes, undefined, config, flavour, type);
    return settled(axios, source, fields, data, config, flavour);
  }
  return dataOf(axios, source, config, flavour, coding, type).then((data) =>
    settled(axios, source, fields, data, config, flavour),
  );
}

/** The axios response with `data`, or the `AxiosError` the caller's `validateStatus` makes of it. */
function settled(
  axios: AxiosStatic,
  source: Source,
  fields: StoredAnswer | undefined,
  data: unknown,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
): CachedAxiosResponse {
  const result: CachedAxiosResponse = {
    data,
    status: source.status,
    statusText: source.statusText,
    headers:
      (fields && answerAxiosHeaders(axios.AxiosHeaders, fields)) ??
      axios.AxiosHeaders.from(source.headers),
    config,
    request: flavour.request,
    cached: source.metadata?.fromCache === true,
    cacheStatus: source.metadata,
  };
  const validate = config.validateStatus;
  if (
    result.status === 0 ||
    validate === null ||
    validate === undefined ||
    validate(result.status)
  ) {
    return result;
  }
  throw new axios.AxiosError(
    `Request failed with status code ${result.status}`,
    result.status >= 400 && result.status < 500
      ? axios.AxiosError.ERR_BAD_REQUEST
      : axios.AxiosError.ERR_BAD_RESPONSE,
    config,
    flavour.request,
    result,
  );
}

function sourceOf(answer: Answer): Source {
  if (!isStoredAnswer(answer)) {
    return {
      status: answer.status,
      statusText: answer.statusText,
      headers: headerObject(answer.headers),
      metadata: cacheStatus(answer),
      stored: undefined,
      body: answer.body,
      answer: undefined,
    };
  }
  const stored = answerHasBody(answer.status) ? (answer.body ?? EMPTY) : EMPTY;
  return {
    status: answer.status,
    statusText: answer.statusText,
    headers: answerObject(answer),
    metadata: answer.metadata,
    stored,
    body: null,
    answer,
  };
}

const EMPTY = new Uint8Array(0);

function codingOf(headers: Record<string, string | string[]>): string | undefined {
  const value = headers['content-encoding'];
  if (typeof value !== 'string') return undefined;
  const coding = value.trim().toLowerCase();
  return CODINGS.includes(coding) ? coding : undefined;
}

async function dataOf(
  axios: AxiosStatic,
  source: Source,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
  coding: string | undefined,
  type: string,
): Promise<unknown> {
  if (type === 'stream') {
    // A stored body is handed out as a copy: the caller never holds the stored bytes.
    const body = source.stored === undefined ? source.body : new Blob([source.stored]).stream();
    if (!flavour.node) return body ?? new ReadableStream();
    const { Readable, pipeline } = await nodeModule('node:stream');
    const stream =
      source.stored !== undefined
        ? Readable.from([Buffer.from(source.stored)])
        : body === null
          ? Readable.from([])
          : Readable.fromWeb(body as NodeReadableStream);
    if (coding === undefined) return stream;
    return pipeline(stream, await decoder(coding), () => {});
  }
  const bytes =
    source.stored === undefined
      ? await readAll(axios, source.body, config, flavour)
      : checked(axios, source.stored, config, flavour);
  if (!flavour.node && type === 'formdata') {
    return new Response(bytes, {
      headers: { 'content-type': contentType(source.headers) },
    }).formData();
  }
  const decoded = flavour.node && coding !== undefined ? await decode(coding, bytes) : undefined;
  return fromBytes(source, bytes, decoded, config, flavour, type);
}

/**
 * A whole body as the data of a `responseType` other than `stream` (and, outside Node.js,
 * `formdata`); `decoded` is the body with its content coding undone, when it had one.
 */
function fromBytes(
  source: Source,
  bytes: Uint8Array<ArrayBuffer>,
  decoded: Buffer | undefined,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
  type: string,
): unknown {
  if (!flavour.node) {
    if (type === 'arraybuffer')
      return source.stored === undefined ? bytes.buffer : bytes.slice().buffer;
    if (type === 'blob') {
      return new Blob([bytes], { type: contentType(source.headers) });
    }
    return new TextDecoder().decode(bytes);
  }
  const buffer = decoded ?? Buffer.from(bytes);
  if (type === 'arraybuffer') return buffer;
  const encoding = (config.responseEncoding ?? 'utf8') as BufferEncoding;
  const text = buffer.toString(encoding);
  // As axios' http adapter: a UTF-8 byte order mark is stripped.
  return encoding === 'utf8' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function contentType(headers: Record<string, string | string[]>): string {
  const value = headers['content-type'];
  return typeof value === 'string' ? value : '';
}

/**
 * A stored body, with the checks reading it from the network would have made: the request's
 * cancellation and `maxContentLength`.
 */
function checked(
  axios: AxiosStatic,
  bytes: Uint8Array<ArrayBuffer>,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
): Uint8Array<ArrayBuffer> {
  if (config.signal?.aborted === true) {
    throw new axios.CanceledError(undefined, config, flavour.request);
  }
  tooLong(axios, bytes.byteLength, config, flavour);
  return bytes;
}

/** Throws axios' error for a body over the request's `maxContentLength`. */
function tooLong(
  axios: AxiosStatic,
  size: number,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
): void {
  const limit = config.maxContentLength ?? -1;
  if (limit < 0 || size <= limit) return;
  throw new axios.AxiosError(
    `maxContentLength size of ${limit} exceeded`,
    axios.AxiosError.ERR_BAD_RESPONSE,
    config,
    flavour.request,
  );
}

/**
 * Reads the whole body, honouring the request's `signal`, `cancelToken` and `maxContentLength`
 * (as the adapter would have while reading from the network).
 */
async function readAll(
  axios: AxiosStatic,
  body: ReadableStream<Uint8Array> | null,
  config: InternalAxiosRequestConfig,
  flavour: Flavour,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  let cancelled: unknown;
  const cancel = (): void => {
    cancelled ??= new axios.CanceledError(undefined, config, flavour.request);
    reader.cancel(cancelled).catch(() => {});
  };
  const signal = config.signal;
  signal?.addEventListener?.('abort', cancel);
  const unsubscribe = subscribe(config, cancel);
  const limit = config.maxContentLength ?? -1;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (signal?.aborted === true) cancel();
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        throw cancelled ?? error;
      }
      if (cancelled !== undefined) throw cancelled;
      if (result.done) break;
      size += result.value.byteLength;
      if (limit > -1 && size > limit) {
        await reader.cancel();
        tooLong(axios, size, config, flavour);
      }
      chunks.push(result.value);
    }
  } finally {
    signal?.removeEventListener?.('abort', cancel);
    unsubscribe();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function subscribe(config: InternalAxiosRequestConfig, cancel: () => void): () => void {
  const token = config.cancelToken;
  if (token === undefined) return () => {};
  let active = true;
  token.promise.then(
    () => {
      if (active) cancel();
    },
    () => {},
  );
  return () => {
    active = false;
  };
}

/** A Node.js decoding stream for `coding`, with the flush axios uses. */
async function decoder(coding: string): Promise<NodeJS.ReadWriteStream> {
  const zlib = await nodeModule('node:zlib');
  const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'br') return zlib.createBrotliDecompress();
  if (coding === 'zstd') return zlib.createZstdDecompress();
  return zlib.createUnzip(options);
}

async function decode(coding: string, bytes: Uint8Array): Promise<Buffer> {
  const zlib = await nodeModule('node:zlib');
  const options = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'br') return zlib.brotliDecompressSync(bytes);
  if (coding === 'zstd') return zlib.zstdDecompressSync(bytes);
  // Some servers send raw DEFLATE without the zlib wrapper RFC 9110 §8.4.1.2 asks for.
  if (coding === 'deflate' && !hasZlibHeader(bytes)) return zlib.inflateRawSync(bytes, options);
  return zlib.unzipSync(bytes, options);
}

/** RFC 1950 §2.2: CM 8 and a header checksum divisible by 31. */
function hasZlibHeader(bytes: Uint8Array): boolean {
  const [cmf = 0, flg = 0] = bytes;
  return (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}
