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
