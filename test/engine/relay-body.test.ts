import { describe, expect, it } from 'vitest';
import { relayBody } from '../../src/engine/respond.ts';

function source(chunks: string[]): {
  stream: ReadableStream<Uint8Array<ArrayBuffer>>;
  pulls: () => number;
  cancelled: () => unknown;
} {
  let pulls = 0;
  let cancelled: unknown;
  const queue = chunks.map((c) => new TextEncoder().encode(c) as Uint8Array<ArrayBuffer>);
  const stream = new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      pull(controller) {
        pulls++;
        const next = queue.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
      cancel(reason) {
        cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

describe('relayBody', () => {
  it('reads nothing ahead of its reader', async () => {
    const s = source(['a', 'b']);
    const relayed = relayBody(s.stream, { endsAfter: () => Promise.resolve() });
    await Promise.resolve();
    expect(s.pulls()).toBe(0);
    expect(await new Response(relayed).text()).toBe('ab');
  });

  it('ends only once endsAfter has settled', async () => {
    const s = source(['a']);
    let release!: () => void;
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const relayed = relayBody(s.stream, {
      endsAfter: () => settled.then(() => void order.push('settled')),
    });
    const text = new Response(relayed).text().then((t) => order.push(`ended ${t}`));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    release();
    await text;
    expect(order).toEqual(['settled', 'ended a']);
  });

  it('fails with the signal’s reason once it aborts, and cancels the source', async () => {
    const s = source(['a', 'b']);
    const controller = new AbortController();
    const relayed = relayBody(s.stream, { signal: controller.signal });
    if (!(relayed instanceof ReadableStream)) throw new Error('a stream was expected');
    const reader = relayed.getReader();
    expect((await reader.read()).value).toEqual(new TextEncoder().encode('a'));
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
    expect(s.cancelled()).toBe(reason);
  });

  it('leaves bytes and absent bodies as they are', () => {
    const bytes = new Uint8Array([1]);
    const signal = new AbortController().signal;
    expect(relayBody(bytes, { signal })).toBe(bytes);
    expect(relayBody(null, { signal })).toBeNull();
  });
});
