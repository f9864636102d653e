import { OptionsError } from '../errors.ts';
import { rejectUnknownNames } from './option-names.ts';

/**
 * Checks shared by the cache's options and the per-request controls: each returns the value as
 * given, or throws an `OptionsError` naming the option.
 *
 * @module
 */

/** A boolean, or `fallback` when absent. */
export function bool<T extends boolean | undefined>(
  option: string,
  value: boolean | undefined,
  fallback: T,
): boolean | T {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new OptionsError(option, `must be a boolean, got ${typeof value}`);
  }
  return value;
}

/** A function, or `undefined` when absent. */
export function fn<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new OptionsError(option, `must be a function, got ${typeof value}`);
  }
  return value;
}

/** A nested options object: an object whose members are all in `known`. */
export function nested(option: string, value: unknown, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null) {
    throw new OptionsError(option, `must be an object, got ${String(value)}`);
  }
  rejectUnknownNames(value, known, `${option}.`);
}
