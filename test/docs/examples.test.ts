import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { type Example, examplesOf, markdownFiles } from './examples.ts';

// Every TypeScript example of the README and docs/ is type-checked as a module of its own, with
// the package's imports (`httpcache`, `httpcache/undici`, …) resolved to its sources, under the
// repository's strict compiler options.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where the examples pretend to live: inside the repository, so node_modules resolve. */
const VIRTUAL_DIR = join(ROOT, 'test/docs/__examples__');

/**
 * `httpcache/…` → its source file, from package.json's exports (`dist/x.d.ts` → `src/x.ts`); the
 * same with Deno's `npm:` prefix.
 */
function packagePaths(): Record<string, string[]> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { types?: string } | string>;
  };
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string' || target.types === undefined) continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    const specifier = join(manifest.name, subpath);
    paths[specifier] = [join(ROOT, source)];
    paths[`npm:${specifier}`] = [join(ROOT, source)];
  }
  return paths;
}

function compilerOptions(): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(file));
  return { ...parsed.options, noEmit: true, paths: packagePaths() };
}

/** The type errors of each example, by its index in `examples`. */
function typeErrors(examples: readonly Example[]): string[][] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const sources = new Map<string, string>();
  // `export {}` makes each example a module: top-level await, no clashes between examples.
  examples.forEach((example, i) => {
    sources.set(join(VIRTUAL_DIR, `example-${i}.ts`), `${example.code}export {};\n`);
  });
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => sources.has(name) || fileExists.call(host, name);
  host.readFile = (name) => sources.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = sources.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  return [...sources.keys()].map((name) => {
    const source = program.getSourceFile(name);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    return diagnostics.map((d) => {
      const line =
        d.file !== undefined && d.start !== undefined
          ? d.file.getLineAndCharacterOfPosition(d.start).line + 1
          : 0;
      return `line ${line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  });
}

const all = markdownFiles(ROOT).flatMap((file) => examplesOf(ROOT, file));
const checked = all.filter((example) => example.noCheck === undefined);

describe('TypeScript examples of the README and docs compile', () => {
  const errors = typeErrors(checked);
  it.each(checked.map((example, i) => [example.where, i] as const))('%s', (_where, i) => {
    expect(errors[i]).toEqual([]);
  });

  it('fragments left out are marked with a reason, and rare', () => {
    const fragments = all.filter((example) => example.noCheck !== undefined);
    for (const fragment of fragments) expect(fragment.noCheck, fragment.where).not.toBe('');
    expect(fragments.length).toBeLessThanOrEqual(Math.ceil(all.length / 5));
  });
});
