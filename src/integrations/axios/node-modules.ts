/**
 * Node's own modules for the paths only axios' Node adapter takes (streams, decompression),
 * found at run time: a browser build of `httpcache/axios` then has no `node:` import to resolve,
 * which some bundlers refuse even when it is dynamic.
 *
 * @module
 */

interface NodeModules {
  'node:stream': typeof import('node:stream');
  'node:zlib': typeof import('node:zlib');
}

/** The Node module `id`, from `process.getBuiltinModule` (Node 22.3+), or imported before it. */
export async function nodeModule<K extends keyof NodeModules>(id: K): Promise<NodeModules[K]> {
  const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const found = runtime.process?.getBuiltinModule?.(id);
  if (found !== undefined) return found as NodeModules[K];
  // A specifier held in a variable: bundlers leave the import to the runtime.
  const specifier: string = id;
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeModules[K];
}
