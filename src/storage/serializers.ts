import { createRequire } from 'node:module';
import { OptionsError } from '../errors.ts';

/**
 * Serializers for the metadata files of {@link FileSystemStorage}: JSON built in, YAML and
 * MessagePack through optional dependencies loaded only when asked for.
 *
 * @module
 */

/**
 * Turns plain data (the persisted metadata) into bytes and back.
 *
 * @example
 * ```ts
 * import { serialize, deserialize } from 'node:v8';
 * const v8Serializer: Serializer = {
 *   name: 'v8',
 *   extension: 'v8',
 *   encode: (value) => serialize(value),
 *   decode: (bytes) => deserialize(bytes),
 * };
 * new FileSystemStorage({ serializer: v8Serializer });
 * ```
 */
export interface Serializer {
  /** A name for messages, e.g. `json`. */
  readonly name: string;
  /**
   * The file extension (no dot; lowercase letters and digits) of the files it writes. It is how a
   * file written with another serializer is recognised, and skipped rather than mis-decoded.
   */
  readonly extension: string;
  encode(value: unknown): Uint8Array;
  /** Throws when `bytes` are not a valid encoding. */
  decode(bytes: Uint8Array): unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** JSON, indented so that a person can read the files. The default serializer. */
export const jsonSerializer: Serializer = {
  name: 'json',
  extension: 'json',
  encode: (value) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`),
  decode: (bytes) => JSON.parse(decoder.decode(bytes)),
};

/**
 * YAML, through the optional `yaml` package (`npm install yaml`).
 * @throws {OptionsError} when `yaml` is not installed.
 * @example new FileSystemStorage({ serializer: yamlSerializer() })
 */
export function yamlSerializer(): Serializer {
  const yaml = loadOptional<typeof import('yaml')>('yaml', 'yamlSerializer');
  return {
    name: 'yaml',
    extension: 'yaml',
    encode: (value) => encoder.encode(yaml.stringify(value)),
    decode: (bytes) => yaml.parse(decoder.decode(bytes)),
  };
}

/**
 * MessagePack, through the optional `@msgpack/msgpack` package (`npm install @msgpack/msgpack`):
 * smaller and faster than JSON, not readable as text.
 * @throws {OptionsError} when `@msgpack/msgpack` is not installed.
 * @example new FileSystemStorage({ serializer: msgpackSerializer() })
 */
export function msgpackSerializer(): Serializer {
  const msgpack = loadOptional<typeof import('@msgpack/msgpack')>(
    '@msgpack/msgpack',
    'msgpackSerializer',
  );
  return {
    name: 'msgpack',
    extension: 'msgpack',
    encode: (value) => msgpack.encode(value),
    decode: (bytes) => msgpack.decode(bytes),
  };
}

/** Checks a serializer given as an option; returns it. */
export function checkSerializer(serializer: Serializer): Serializer {
  if (!/^[a-z0-9]+$/.test(serializer.extension)) {
    throw new OptionsError(
      'serializer',
      `extension must be lowercase letters and digits, got ${JSON.stringify(serializer.extension)}`,
    );
  }
  return serializer;
}

const require = createRequire(import.meta.url);

/**
 * Loads an optional dependency for `factory`; a missing one is an {@link OptionsError} that says
 * what to install.
 */
export function loadOptional<T>(name: string, factory: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new OptionsError('serializer', `${factory}() needs \`${name}\`: npm install ${name}`);
  }
}
