/**
 * Tests that need a part of the machine (redis-server, util-linux `script`): when the part is
 * missing they are skipped on a developer's machine, with a warning, and FAIL when `CI` is set,
 * since CI installs every part and a silent skip there would hide a test that never runs.
 *
 * @module
 */

/**
 * Whether a needed part is here. `found` false: throws when `CI` is set (naming the part and how
 * to install it), else warns and returns false, for `describe.skipIf(!required(...))`.
 */
export function required(found: boolean, part: string, install: string): boolean {
  if (found) return true;
  if (process.env.CI) {
    throw new Error(`${part} is missing, and CI is set: these tests must run in CI (${install})`);
  }
  console.warn(`tests skipped: ${part} is missing (${install})`);
  return false;
}
