import { Miniflare } from 'miniflare';
import type { TestResult } from '../harness.ts';

/**
 * workerd, the Workers runtime, through Miniflare (which ships its binary).
 *
 * @module
 */

/** Runs the worker bundle and asks it to run the suite against `origin`. */
export async function runWorkerd(script: string, origin: string): Promise<TestResult[]> {
  const worker = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01' });
  try {
    const response = await worker.dispatchFetch(
      `http://suite/?origin=${encodeURIComponent(origin)}`,
    );
    const text = await response.text();
    if (!response.ok) throw new Error(`workerd answered ${response.status}: ${text}`);
    return JSON.parse(text) as TestResult[];
  } finally {
    await worker.dispose();
  }
}
