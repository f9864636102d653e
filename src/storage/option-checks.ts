import { OptionsError } from '../errors.ts';

/**
 * Checks of storage options, shared by the backends.
 *
 * @module
 */

/** `value` when it is a positive number (Infinity included); otherwise an OptionsError naming it. */
export function positive(option: string, value: number): number {
  if (!(value > 0)) throw new OptionsError(option, `must be a positive number, got ${value}`);
  return value;
}

/** `value` when it is a whole number of at least 1 (or Infinity); otherwise an OptionsError naming it. */
export function count(option: string, value: number): number {
  if (!(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1))) {
    throw new OptionsError(option, `must be a whole number of at least 1, got ${value}`);
  }
  return value;
}

/** `value` when it is a whole number of ms from `min` up to 2^31 - 1 (what timers take). */
export function milliseconds(option: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min || value > 2 ** 31 - 1) {
    throw new OptionsError(option, `must be a whole number of milliseconds, got ${value}`);
  }
  return value;
}
