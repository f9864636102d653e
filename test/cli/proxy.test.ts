import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { baseEnv, MAIN } from './run.ts';

let origin: TestOrigin;

beforeAll(async () => {
  origin = await startOrigin({
    '/page': { headers: { 'cache-control': 'max-age=60' }, body: 'page' },
  });
});
afterAll(() => origin.close());

describe('httpcache proxy', () => {
  it('serves a reverse proxy with a cache until SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, 'proxy', '--upstream', origin.url, '--port', '0', '--store', 'memory:'],
      { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+) → /.exec(text);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('close', () => reject(new Error(`the proxy exited: ${text}`)));
    });
    try {
      const first = await fetch(`${url}/page`);
      expect(await first.text()).toBe('page');
      expect(first.headers.get('cache-status')).toMatch(/fwd=uri-miss/);
      const second = await fetch(`${url}/page`);
      expect(await second.text()).toBe('page');
      expect(second.headers.get('cache-status')).toMatch(/^httpcache; hit/);
      expect(origin.count('/page')).toBe(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
