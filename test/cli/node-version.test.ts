import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../src/cli/node-version.ts';
import { required } from '../storage/requirements.ts';
import { MAIN, tempDir } from './run.ts';

describe('unsupportedNode', () => {
  it.each([
    ['18.20.4', true],
    ['20.20.2', true],
    ['22.0.0', true],
    ['22.12.9', true],
    ['22.13.0', false],
    ['22.20.0', false],
    ['23.0.0', false],
    ['24.21.0', false],
    ['not a version', false],
  ])('%s: refused %s', (version, refused) => {
    const problem = unsupportedNode(version);
    expect(problem !== undefined).toBe(refused);
    if (refused)
      expect(problem).toBe(`httpcache needs Node.js 22.13 or later; this is Node.js ${version}`);
  });
});

/** A `node` on PATH older than the CLI supports (the system's, say), with its version. */
function oldNodeOnPath(): { path: string; version: string } | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'node');
    try {
      accessSync(path, constants.X_OK);
      const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim().slice(1);
      if (unsupportedNode(version) !== undefined) return { path, version };
    } catch {
      // not there, or not a working node
    }
  }
  return undefined;
}

const oldNode = oldNodeOnPath();
const haveOldNode = required(
  oldNode !== undefined,
  'a Node.js older than 22.13 on PATH',
  "Debian's nodejs package, the system Node of this kind of machine",
);

// The pure check above is the test everywhere; this one runs the bin itself when an old Node is
// at hand (bundled to JavaScript, since an old Node cannot strip types).
describe.runIf(haveOldNode)('the bin under an old Node', () => {
  const out = tempDir('httpcache-old-node-');
  afterAll(() => out.remove());

  it('says which Node it needs instead of failing to load node:sqlite', async () => {
    if (oldNode === undefined) return;
    await build({
      entryPoints: [MAIN],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outdir: out.path,
      logLevel: 'warning',
    });
    const result = spawnSync(oldNode.path, [join(out.path, 'main.js'), 'ls'], { encoding: 'utf8' });
    expect(result.stderr).toBe(
      `error: httpcache needs Node.js 22.13 or later; this is Node.js ${oldNode.version}\n`,
    );
    expect(result.status).toBe(1);
  });
});
