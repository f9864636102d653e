import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The TypeScript examples of the README and `docs/`. An HTML comment right before a fence
 * (invisible where the Markdown is rendered) may say how to compile it:
 *
 * - `<!-- @prelude ... -->`: code compiled before the example, for what the prose around it
 *   provides (`declare const url: string;`, an import shown in an earlier example);
 * - `<!-- @noCheck: why -->`: a deliberate fragment, not compiled (kept rare).
 *
 * @module
 */

/** One ```ts block. */
export interface Example {
  /** Where it starts, as `docs/axios.md:12` (the line of its fence). */
  readonly where: string;
  readonly code: string;
  /** Why it is not compiled, when it is a marked fragment. */
  readonly noCheck?: string;
}

/** The HTML comment that ends on line `end`, without `<!--` and `-->`, if there is one. */
function commentEndingAt(lines: readonly string[], end: number): string | undefined {
  if (!(lines[end] ?? '').trim().endsWith('-->')) return undefined;
  for (let i = end; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (line.startsWith('<!--')) {
      return lines
        .slice(i, end + 1)
        .map((l) => l.trim())
        .join('\n')
        .replace(/^<!--/, '')
        .replace(/-->$/, '');
    }
  }
  return undefined;
}

/** The Markdown files whose examples are compiled: the README and every file of `docs/`. */
export function markdownFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** Every ```ts (or ```typescript) block of the Markdown file `file` under `root`. */
export function examplesOf(root: string, file: string): Example[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (fence === null) continue;
    const indent = fence[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && (lines[i] ?? '').trim() !== '```'; i++) {
      body.push((lines[i] ?? '').slice(indent.length));
    }
    const comment = commentEndingAt(lines, start - 1)?.trim() ?? '';
    const where = `${file}:${start + 1}`;
    const code = `${body.join('\n')}\n`;
    if (comment.startsWith('@noCheck')) {
      examples.push({ where, code, noCheck: comment.replace(/^@noCheck:?/, '').trim() });
    } else if (comment.startsWith('@prelude')) {
      examples.push({ where, code: `${comment.replace(/^@prelude/, '').trim()}\n${code}` });
    } else {
      examples.push({ where, code });
    }
  }
  return examples;
}
