/**
 * A server of the proxy group, run in a process of its own (see `proxy.ts`): `proxy <upstream>`
 * starts `createProxy()` with `MemoryStorage` in front of the bench origin, `ceiling` a bare
 * node:http server answering `/<name>/<bytes>` with the origin's fields and the bytes from memory.
 * It sends its URL to the parent once listening, and closes (and exits) when told to.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStorage } from '../src/index.ts';
import { createProxy } from '../src/integrations/server/index.ts';
import { bodyOf, responseHeaders } from './origin.ts';
import { SIZES } from './proxy-processes.ts';

/** The ceiling: node:http answering every `/<name>/<bytes>` with the origin's fields and bytes. */
async function startCeiling(): Promise<{ url: string; close: () => Promise<void> }> {
  const bodies = new Map<number, Uint8Array>(SIZES.map((size) => [size, bodyOf(size)]));
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const size = Number((req.url ?? '').split('/')[2]);
    const body = bodies.get(size);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, responseHeaders(size, 'max-age=3600')).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      const stopped = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await stopped;
    },
  };
}

const [kind, upstream] = process.argv.slice(2);
const server =
  kind === 'proxy' && upstream !== undefined
    ? await createProxy({ upstream, storage: new MemoryStorage() })
    : await startCeiling();
process.send?.({ url: server.url });
process.once('message', () => {
  // Exiting normally also writes the CPU profile of a `--cpu-prof` run.
  void server.close().then(() => process.exit(0));
});
