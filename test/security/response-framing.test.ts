/**
 * Finding 7 of the hardening issue, the proxy's side: anyone who can write to a shared storage
 * (a directory, Redis, S3) could make the proxy send a stored body longer than the stored
 * `Content-Length` it declared, and the extra bytes were read by the client as a second response
 * (response splitting). The proxy never writes more or fewer body bytes than it declared: on a
 * mismatch it closes the connection instead of ending the response cleanly.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CachingProxy, createProxy } from '../../src/integrations/server/index.ts';
import { FileSystemStorage } from '../../src/storage/fs.ts';
import type { EntryMeta } from '../../src/storage/types.ts';
import { nextEvent } from '../helpers/events.ts';
import { FaultyStorage } from '../reliability/faulty-storage.ts';
import { exchange, type RecordingUpstream, responses, startUpstream } from './sockets.ts';

const BODY = 'hello\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Injected: yes\r\n\r\nevil';

let directory: string;
let upstream: RecordingUpstream;
let proxy: CachingProxy;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'httpcache-framing-'));
  upstream = await startUpstream((_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': BODY.length });
    res.end(BODY);
  });
  proxy = await createProxy({
    upstream: upstream.url,
    storage: new FileSystemStorage({ directory }),
  });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
  await rm(directory, { recursive: true, force: true });
});

/** Rewrites the stored `Content-Length` in the one metadata file of the storage directory. */
async function declare(length: string): Promise<void> {
  const files = await readdir(directory, { recursive: true });
  const metas = files.filter((name) => /\.meta\.json$/.test(name));
  expect(metas).toHaveLength(1);
  const file = join(directory, metas[0] ?? '');
  const text = await readFile(file, 'utf8');
  const changed = text.replace(/("content-length",\s*)"\d+"/, `$1"${length}"`);
  expect(changed).not.toBe(text);
  await writeFile(file, changed);
}

async function storeThen(length: string) {
  const stored = nextEvent(proxy.cache, 'store');
  await exchange(proxy.url, 'GET /page HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n');
  await stored;
  await declare(length);
  // Two requests on one connection: a split response would answer the second with the injection.
  const request = 'GET /page HTTP/1.1\r\nHost: s\r\n\r\n';
  return exchange(
    proxy.url,
    `${request}GET /page HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n`,
  );
}

/**
 * The client read no response the upstream did not send: none with the injected field, no more
 * than it asked for, and each body no longer than its declared length.
 */
function expectNoSplit(text: string): void {
  const all = responses(text);
  expect(all.length).toBeLessThanOrEqual(2);
  for (const response of all) {
    expect(response.headers['x-injected']).toBeUndefined();
    expect(response.body.length).toBeLessThanOrEqual(Number(response.headers['content-length']));
  }
}

/**
 * Either the bad entry was a miss (both answers whole, from the upstream), or the proxy cut the
 * connection: then the client has fewer answers than requests, so it knows something broke.
 */
function expectWholeOrCut(text: string): void {
  expectNoSplit(text);
  const all = responses(text);
  if (all.length === 2) expect(all.map((r) => r.body)).toEqual([BODY, BODY]);
  else expect(all.length).toBeLessThan(2);
}

describe('a directory storage whose Content-Length was rewritten', () => {
  it.each(['5', '500'])(
    'declared %s: the client gets whole responses or a cut connection',
    async (length) => {
      expectWholeOrCut((await storeThen(length)).text);
    },
  );
});

/**
 * The same lie told by a storage directly: whatever the engine makes of such an entry, the proxy
 * checks what it writes against what it declared, and cuts the connection on a mismatch.
 */
describe('the proxy writes no more and no fewer body bytes than it declared', () => {
  async function servedDeclaring(length: string) {
    const storage = new FaultyStorage();
    await proxy.close();
    proxy = await createProxy({ upstream: upstream.url, storage });
    const stored = nextEvent(proxy.cache, 'store');
    await exchange(proxy.url, 'GET /page HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n');
    await stored;
    storage.fail('get', (result) =>
      (result as EntryMeta[]).map((entry) => ({
        ...entry,
        headers: entry.headers.map(([name, value]) =>
          name === 'content-length' ? [name, length] : [name, value],
        ),
      })),
    );
    const request = 'GET /page HTTP/1.1\r\nHost: s\r\n\r\n';
    return exchange(
      proxy.url,
      `${request}GET /page HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n`,
    );
  }

  it('declared shorter than the body: the declared bytes, then the connection is closed', async () => {
    expectWholeOrCut((await servedDeclaring('5')).text);
  });

  it('declared longer than the body: what there is, then the connection is closed', async () => {
    expectWholeOrCut((await servedDeclaring('500')).text);
  });

  it('a Content-Length that is not one number: 502, nothing of the body', async () => {
    const { text } = await servedDeclaring('5, 500');
    expectNoSplit(text);
    const [first] = responses(text);
    expect(first?.status === 502 || first?.body === BODY).toBe(true);
  });
});
