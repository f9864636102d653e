/**
 * Errors thrown by httpcache. Each has a stable `code`; `isHttpCacheError()` recognises them
 * across copies of the package.
 *
 * @module
 */

const BRAND = Symbol.for('httpcache.error');

/** Who is at fault. */
export type HttpCacheErrorCode =
  | 'ERR_HTTPCACHE_OPTIONS'
  | 'ERR_HTTPCACHE_REQUEST'
  | 'ERR_HTTPCACHE_STORAGE'
  | 'ERR_HTTPCACHE_CODEC'
  | 'ERR_HTTPCACHE_CLOSED'
  | 'ERR_HTTPCACHE_INVALIDATION';

/** The base class of every error httpcache raises. */
export class HttpCacheError extends Error {
  readonly code: HttpCacheErrorCode;

  constructor(code: HttpCacheErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpCacheError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** An invalid option passed to a factory or constructor; the message names the option. */
export class OptionsError extends HttpCacheError {
  /** The option at fault, e.g. `maxBodySize`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('ERR_HTTPCACHE_OPTIONS', `Invalid option \`${option}\`: ${message}`);
    this.name = 'OptionsError';
    this.option = option;
  }
}

/**
 * A `fetch` argument of a cached fetch that is not one: an `input` that is neither a URL string,
 * a `URL` nor a `Request`, or an `init` that is not an object. (Where `fetch` would reject with a
 * `TypeError`, the cache rejects with this before doing anything.) A URL string that does not
 * parse goes to `fetch` itself, which rejects as it always does.
 */
export class RequestError extends HttpCacheError {
  /** The argument at fault: `input` or `init`. */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super('ERR_HTTPCACHE_REQUEST', `Invalid fetch argument \`${argument}\`: ${message}`);
    this.name = 'RequestError';
    this.argument = argument;
  }
}

/**
 * A target of `invalidate()` that names nothing: not a URL string, `URL`, `Request`,
 * `{ prefix }` or `{ tag }`, or one whose URL, prefix or tag is not valid.
 */
export class InvalidationError extends HttpCacheError {
  constructor(message: string) {
    super('ERR_HTTPCACHE_INVALIDATION', `Invalid invalidation target: ${message}`);
    this.name = 'InvalidationError';
  }
}

/** A storage backend failed; the cache reports it and serves from the origin. */
export class StorageError extends HttpCacheError {
  /** The storage operation, e.g. `get` or `put`. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: ErrorOptions) {
    super('ERR_HTTPCACHE_STORAGE', `Storage ${operation} failed: ${message}`, options);
    this.name = 'StorageError';
    this.operation = operation;
  }
}

/** A stored entry could not be decoded (corrupted, or written by an unknown version). */
export class CodecError extends HttpCacheError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_HTTPCACHE_CODEC', message, options);
    this.name = 'CodecError';
  }
}

/** The cache or storage was used after `close()`. */
export class ClosedError extends HttpCacheError {
  constructor(what: string) {
    super('ERR_HTTPCACHE_CLOSED', `${what} is closed`);
    this.name = 'ClosedError';
  }
}

/** Whether `value` is an error raised by any copy of httpcache. */
export function isHttpCacheError(value: unknown): value is HttpCacheError {
  return typeof value === 'object' && value !== null && BRAND in value;
}

/** The message of an error, or the value as text: for wrapping causes in messages. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
