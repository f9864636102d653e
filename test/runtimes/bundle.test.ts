import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundle, gzipSize, ROOT, sourceOf } from '../../scripts/bundle.ts';

/**
 * Packaging for every runtime: each `exports` entry that a browser or Worker build can resolve
 * bundles for `--platform=neutral` with no externals (so no `node:` import), and the entries
 * that need Node's modules resolve only under the `node` condition.
 */

type Conditions = Record<string, string | null>;
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  exports: Record<string, Conditions | string>;
  peerDependencies: Record<string, string>;
};
/** Outside the root entry, the user's own packages (axios for `httpcache/axios`) stay external. */
const outside = Object.keys(manifest.peerDependencies);
const exportsMap = manifest.exports;
const entries = Object.entries(exportsMap).filter(
  (pair): pair is [string, Conditions] => typeof pair[1] === 'object',
);
const everywhere = entries.filter(([, conditions]) => typeof conditions.default === 'string');
const nodeOnly = entries.filter(([, conditions]) => conditions.default === undefined);

describe('exports for every runtime', () => {
  it('the root entry bundles for the neutral platform with no externals', async () => {
    expect(await bundle('src/index.ts')).not.toMatch(/(from|import)\s*["']node:/);
  });

  it.each(everywhere)('%s bundles for the neutral platform, with no node: import', async (_, c) => {
    const text = await bundle(sourceOf(c.default ?? ''), { external: outside });
    expect(text).not.toMatch(/(from|import)\s*["']node:/);
  });

  it.each(nodeOnly)(
    '%s resolves only under the node condition and fails to bundle neutral',
    async (_, c) => {
      expect(Object.keys(c)).toEqual(['types', 'node']);
      await expect(bundle(sourceOf(c.node ?? ''))).rejects.toThrow(/node:/);
    },
  );

  // The target is 25 kB (`npm run bench -- size` reports it, MISSED while over); partial content,
  // metrics, cross-process coalescing and the faster hit and miss paths took the root to 27.97 kB.
  // This budget stops any growth past that until their code leaves the root entry.
  it('the root entry stays within its 28 kB budget, minified and gzipped', async () => {
    const size = gzipSize(await bundle('src/index.ts', { minify: true }));
    expect(size).toBeLessThan(28_000);
  });
});
