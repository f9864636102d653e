/**
 * The `size` group: what a browser or Worker build adds for httpcache, the entries that run in
 * every runtime bundled with esbuild for `--platform=neutral`, minified and gzipped. Target: the
 * root entry under 25 kB gzipped.
 */
import { bundle, gzipSize } from '../scripts/bundle.ts';
import type { Figure, Group } from './harness.ts';
import { table } from './harness.ts';

/** The root entry's gzipped size may be this many kB at most. */
const ROOT_KB = 25;

export const size: Group = async () => {
  const rows: string[][] = [['entry', 'minified', 'gzipped']];
  const figures: Figure[] = [];
  for (const [name, entry] of [
    ['httpcache', 'src/index.ts'],
    ['httpcache/core', 'src/core/index.ts'],
  ] as const) {
    const text = await bundle(entry, { minify: true });
    const gzipped = gzipSize(text) / 1000;
    rows.push([name, `${(text.length / 1000).toFixed(1)} kB`, `${gzipped.toFixed(1)} kB`]);
    figures.push({
      label: `${name} bundle, gzipped`,
      value: gzipped,
      unit: ' kB',
      ...(name === 'httpcache' ? { target: ROOT_KB } : {}),
    });
  }
  console.log(`\n== size: neutral-platform bundles\n${table(rows)}`);
  return figures;
};
