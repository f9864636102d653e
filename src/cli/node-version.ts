/**
 * The Node.js versions the CLI runs on. This module imports nothing, so the bin can check the
 * version before it loads anything that an older Node lacks (`node:sqlite`).
 *
 * @module
 */

/** The oldest Node.js the CLI runs on: the first 22.x whose `node:sqlite` needs no flag. */
export const MINIMUM_NODE = [22, 13, 0] as const;

/**
 * What is wrong with running on Node.js `version` (`process.versions.node`, as in `20.20.2`):
 * a one-line message, or `undefined` when the version is recent enough or cannot be read.
 *
 * @example
 * ```ts
 * unsupportedNode('20.20.2'); // 'httpcache needs Node.js 22.13 or later; this is Node.js 20.20.2'
 * unsupportedNode('24.1.0'); // undefined
 * ```
 */
export function unsupportedNode(version: string): string | undefined {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  if (parts.length < 2 || parts.some((part) => Number.isNaN(part))) return undefined;
  for (const [i, minimum] of MINIMUM_NODE.entries()) {
    const part = parts[i] ?? 0;
    if (part > minimum) return undefined;
    if (part < minimum) {
      return `httpcache needs Node.js ${MINIMUM_NODE[0]}.${MINIMUM_NODE[1]} or later; this is Node.js ${version}`;
    }
  }
  return undefined;
}
