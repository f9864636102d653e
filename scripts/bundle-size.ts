import { bundle, gzipSize } from './bundle.ts';

/**
 * `node scripts/bundle-size.ts`: the minified and gzipped size of the entries that run in every
 * runtime, as a browser or Worker build bundles them.
 *
 * @module
 */

for (const entry of ['src/index.ts', 'src/core/index.ts']) {
  const text = await bundle(entry, { minify: true });
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
  console.log(`${entry}: ${kB(text.length)} minified, ${kB(gzipSize(text))} gzipped`);
}
