/**
 * `npm run demo`: a slow origin on 127.0.0.1, fetched twice through the cache.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cacheStatus, createFetch } from '../src/index.ts';

const DELAY_MS = 300;

const server = createServer((_req, res) => {
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ message: 'a slow answer', at: new Date().toISOString() }));
  }, DELAY_MS);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;

const cachedFetch = createFetch();
console.log(`origin: ${url} (answers after ${DELAY_MS} ms, Cache-Control: max-age=60)\n`);

const times: number[] = [];
for (const attempt of ['first', 'second']) {
  const start = performance.now();
  const res = await cachedFetch(url);
  const body = await res.text();
  const ms = performance.now() - start;
  times.push(ms);
  console.log(`${attempt} fetch: ${ms.toFixed(2)} ms`);
  console.log(`  Cache-Status: ${res.headers.get('cache-status')}`);
  console.log(`  from cache:   ${cacheStatus(res)?.fromCache}`);
  console.log(`  body:         ${body}\n`);
}
const [miss = 0, hit = 1] = times;
console.log(`the hit was ${(miss / hit).toFixed(0)}x faster than the miss`);

await cachedFetch.close();
server.close();
