import { CACHE_EVENT_TYPES, type Emitter } from './events.ts';

/**
 * Debug logging, off by default: `DEBUG=httpcache` (or `NODE_DEBUG=httpcache`) prints one line
 * per cache event to standard error.
 *
 * @module
 */

/** Whether the environment turns debug logging on. Where there is no `process`, it is off. */
export function debugEnabled(env = environment()): boolean {
  let names: string[];
  try {
    names = `${env.DEBUG ?? ''},${env.NODE_DEBUG ?? ''}`.split(/[\s,]+/);
  } catch {
    return false; // Deno without --allow-env throws on reading the environment
  }
  return names.some((name) => name === 'httpcache' || name === 'httpcache:*' || name === '*');
}

/** Logs every event of `events` when the environment asks for it. */
export function debugLogging(events: Emitter, log: (line: string) => void = console.error): void {
  if (!debugEnabled()) return;
  for (const type of CACHE_EVENT_TYPES) {
    events.on(type, (event) => {
      const { key, url, ...details } = event;
      log(`httpcache ${type} ${url} ${JSON.stringify({ key, ...details }, replaceErrors)}`);
    });
  }
}

function replaceErrors(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}

function environment(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  );
}
