import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Bundles an entry the way a browser or Worker build would: esbuild for `--platform=neutral`,
 * with no externals, so an import of a `node:` module fails the build.
 *
 * @module
 */

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bundled text of `entry` (a path from the repository root). */
export async function bundle(
  entry: string,
  options: { minify?: boolean; external?: string[]; alias?: Record<string, string> } = {},
): Promise<string> {
  const result = await build({
    entryPoints: [`${ROOT}${entry}`],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: options.minify ?? false,
    external: options.external ?? [],
    alias: options.alias ?? {},
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

/** The size in bytes of `text` gzipped. */
export function gzipSize(text: string): number {
  return gzipSync(text).length;
}

/** Where an export's built file comes from: `./dist/x.js` is built from `src/x.ts`. */
export function sourceOf(target: string): string {
  return target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
}
