import type { TestCase } from './harness.ts';

/**
 * The part of vitest's API the storage contract uses, for runtimes where vitest cannot run
 * (browsers, workerd, Deno, Bun). Bundles alias `vitest` to this file; `describe` and `it`
 * collect cases that {@link collected} hands to the runtime harness. A test that fails with an
 * `UnsupportedOperationError` is reported as not applicable, naming the operation.
 *
 * @module
 */

type Body = () => Promise<void> | void;
const cases: TestCase[] = [];
const prefixes: string[] = [];
const cleanups: Body[] = [];

export function describe(name: string, body: () => void): void {
  prefixes.push(name);
  body();
  prefixes.pop();
}

export function afterEach(body: Body): void {
  cleanups.push(body);
}

export function it(name: string, body: Body): void {
  const after = [...cleanups];
  cases.push({
    name: [...prefixes, name].join(' > '),
    run: async () => {
      try {
        await body();
      } finally {
        for (const cleanup of after) await cleanup();
      }
    },
  });
}

/** Takes the cases collected so far. */
export function collected(): TestCase[] {
  cleanups.length = 0;
  return cases.splice(0);
}

const show = (value: unknown) => {
  try {
    return JSON.stringify(value, (_k, v) =>
      v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v,
    );
  } catch {
    return String(value);
  }
};

function deepEqual(a: unknown, b: unknown, partial = false): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.length === y.length && x.every((byte, i) => byte === y[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (!partial && ak.length !== bk.length) return false;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  return bk.every((k) =>
    deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], partial),
  );
}

type Matchers = Record<string, (expected?: unknown) => void>;

function matchers(actual: unknown, negate: boolean): Matchers {
  const assert = (pass: boolean, what: string, expected?: unknown) => {
    if (pass === negate) {
      throw new Error(`expected ${show(actual)} ${negate ? 'not ' : ''}${what} ${show(expected)}`);
    }
  };
  return {
    toBe: (e) => assert(Object.is(actual, e), 'to be', e),
    toEqual: (e) => assert(deepEqual(actual, e), 'to equal', e),
    toMatchObject: (e) => assert(deepEqual(actual, e, true), 'to match', e),
    toBeNull: () => assert(actual === null, 'to be null'),
    toBeUndefined: () => assert(actual === undefined, 'to be undefined'),
    toHaveLength: (e) => assert((actual as { length: number }).length === e, 'to have length', e),
    toBeGreaterThanOrEqual: (e) => assert((actual as number) >= (e as number), 'to be >=', e),
    toBeLessThan: (e) => assert((actual as number) < (e as number), 'to be <', e),
    toBeLessThanOrEqual: (e) => assert((actual as number) <= (e as number), 'to be <=', e),
  };
}

export function expect(actual: unknown) {
  return Object.assign(matchers(actual, false), {
    not: matchers(actual, true),
    rejects: {
      toThrow: async () => {
        await (actual as Promise<unknown>).then(
          () => {
            throw new Error('expected a rejection');
          },
          () => undefined,
        );
      },
      toBe: async (expected: unknown) => {
        const error = await (actual as Promise<unknown>).then(
          () => {
            throw new Error('expected a rejection');
          },
          (reason: unknown) => reason,
        );
        if (error !== expected) throw new Error(`expected rejection with ${show(expected)}`);
      },
    },
  });
}
