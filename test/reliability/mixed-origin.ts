/**
 * A real origin on 127.0.0.1 for the load tests: one path family per kind of caching header,
 * and every body signed with the path, variant, version and user it answers, so that a test can
 * check each body it receives against the request that got it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatHttpDate } from '../../src/core/http-date.ts';

/** The path families, one per kind of header: `/k/<kind>/<n>`. */
export const KINDS = [
  'max-age',
  's-maxage',
  'no-cache',
  'no-store',
  'private',
  'vary',
  'heuristic',
  'swr',
  'big',
  'redirect',
  'redirect-manual',
  'missing',
] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds whose stored responses a POST to their URL changes (a new version) and invalidates. */
export const POSTABLE: readonly Kind[] = [
  'max-age',
  's-maxage',
  'no-cache',
  'vary',
  'heuristic',
  'swr',
];

/** The `Accept-Language` values the `vary` kind's variants are chosen by (and none). */
export const LANGUAGES = ['en', 'fr', 'de', 'ja', undefined] as const;

/** Bodies of the `big` kind: more than one SQLite chunk (256 KiB), so they are streamed. */
const BIG_SIZE = 300 * 1024;

/** What a body says about the response it is: the first line of every body. */
export interface Signature {
  readonly path: string;
  /** The `Accept-Language` it was made for (`vary` kind), else `-`. */
  readonly variant: string;
  readonly version: number;
  /** The `X-User` it was made for (`private` kind), else `-`. */
  readonly user: string;
  /** A number unique to each body the origin sends (`no-store` and `private` kinds), else 0. */
  readonly serial: number;
}

/** The first line of a body. */
export function signatureLine(s: Signature): string {
  return `path=${s.path} variant=${s.variant} version=${s.version} user=${s.user} serial=${s.serial}`;
}

/** Reads a body's signature; `undefined` when the first line is not one. */
export function parseSignature(body: string): Signature | undefined {
  const line = body.slice(0, body.indexOf('\n'));
  const match =
    /^path=(\S+) variant=(\S+) version=(\d+) user=(\S+) serial=(\d+)$/.exec(line) ?? undefined;
  if (match === undefined) return undefined;
  const [, path = '', variant = '', version = '', user = '', serial = ''] = match;
  return { path, variant, version: Number(version), user, serial: Number(serial) };
}

/** The size of the bodies of a path: from 64 bytes to about 2 KiB, or 300 KiB for `big`. */
export function sizeOf(path: string): number {
  if (path.startsWith('/k/big/')) return BIG_SIZE;
  let h = 0;
  for (let i = 0; i < path.length; i++) h = (h * 31 + path.charCodeAt(i)) >>> 0;
  return 64 + (h % 2000);
}

/** The whole body for a signature: its line, then the line repeated to the path's size. */
export function bodyFor(s: Signature): string {
  const line = `${signatureLine(s)}\n`;
  const size = Math.max(sizeOf(s.path), line.length);
  return line.repeat(Math.ceil(size / line.length)).slice(0, size);
}

/** The ETag of a version of a path (and variant). */
export function etagOf(path: string, variant: string, version: number): string {
  return `"${path}:${variant}:v${version}"`;
}

/** Where a redirect path sends its requests: the `max-age` resource of the same number. */
export function redirectTarget(path: string): string {
  return `/k/max-age/${path.split('/').at(-1) ?? '0'}`;
}

export interface MixedOrigin {
  readonly url: string;
  /** The current version of a path (1 until a POST changes it). */
  version(path: string): number;
  /** When a version of a path was made, as its `Last-Modified` says (ms). */
  lastModified(path: string, version: number): number | undefined;
  /** Responses by status. */
  readonly statuses: Map<number, number>;
  /** Requests received. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * Starts the origin on port 0 of 127.0.0.1. `clock` gives the time of `Date` and
 * `Last-Modified`, the same manual clock the cache uses.
 */
export async function startMixedOrigin(clock: () => number): Promise<MixedOrigin> {
  const versions = new Map<string, number>();
  const made = new Map<string, number>();
  /** The `Last-Modified` of the newest version made of each path. */
  const latest = new Map<string, number>();
  const statuses = new Map<number, number>();
  let serial = 0;
  let received = 0;
  const versionOf = (path: string): number => versions.get(path) ?? 1;
  const madeAt = (path: string, version: number): number => {
    const at = made.get(`${path} ${version}`);
    if (at !== undefined) return at;
    // Made 100 s before first asked for (heuristic freshness of 10 % gives 10 s), and a second
    // after the version before it, so that If-Modified-Since tells every version apart.
    const previous = latest.get(path) ?? Number.NEGATIVE_INFINITY;
    const t = Math.max(Math.floor(clock() / 1000) * 1000 - 100_000, previous + 1000);
    made.set(`${path} ${version}`, t);
    latest.set(path, t);
    return t;
  };

  const send = (
    res: ServerResponse,
    status: number,
    fields: Record<string, string>,
    body: string | undefined,
  ): void => {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    res.writeHead(status, { date: formatHttpDate(clock()), ...fields });
    res.end(body);
  };

  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    received++;
    const path = new URL(req.url ?? '/', 'http://origin').pathname;
    const kind = path.split('/')[2] as Kind | undefined;
    if (path.split('/')[1] !== 'k' || kind === undefined || !KINDS.includes(kind)) {
      send(res, 400, {}, 'unknown path');
      return;
    }
    const lang = header(req, 'accept-language');
    const user = header(req, 'x-user') ?? '-';
    if (req.method === 'POST') {
      const version = versionOf(path) + 1;
      versions.set(path, version);
      send(res, 200, { 'content-type': 'text/plain' }, bodyFor(sig(path, '-', version, '-', 0)));
      return;
    }
    const version = versionOf(path);
    const variant = kind === 'vary' ? (lang ?? '-') : '-';
    const etag = etagOf(path, variant, version);
    const fields: Record<string, string> = { 'content-type': 'text/plain' };
    let withEtag = true;
    let body = bodyFor(sig(path, variant, version, '-', 0));
    let status = 200;
    switch (kind) {
      case 'max-age':
        fields['cache-control'] = `max-age=${2 + (Number(path.split('/')[3]) % 9)}`;
        break;
      case 's-maxage':
        fields['cache-control'] = 'max-age=1, s-maxage=8';
        break;
      case 'no-cache':
        fields['cache-control'] = 'no-cache';
        break;
      case 'no-store':
        fields['cache-control'] = 'no-store';
        withEtag = false;
        body = bodyFor(sig(path, '-', version, '-', ++serial));
        break;
      case 'private':
        fields['cache-control'] = 'private, max-age=60';
        withEtag = false;
        body = bodyFor(sig(path, '-', version, user, ++serial));
        break;
      case 'vary':
        fields['cache-control'] = 'max-age=4';
        fields.vary = 'Accept-Language';
        break;
      case 'heuristic': {
        withEtag = false;
        const lastModified = madeAt(path, version);
        fields['last-modified'] = formatHttpDate(lastModified);
        const since = Date.parse(header(req, 'if-modified-since') ?? '');
        if (!Number.isNaN(since) && lastModified <= since) {
          send(res, 304, { 'last-modified': fields['last-modified'] }, undefined);
          return;
        }
        break;
      }
      case 'swr':
        fields['cache-control'] = 'max-age=1, stale-while-revalidate=30';
        break;
      case 'big':
        fields['cache-control'] = 'max-age=5';
        break;
      case 'redirect':
      case 'redirect-manual':
        status = 302;
        fields['cache-control'] = 'max-age=30';
        fields.location = redirectTarget(path);
        withEtag = false;
        break;
      case 'missing':
        status = 404;
        fields['cache-control'] = 'max-age=5';
        withEtag = false;
        break;
    }
    if (withEtag) {
      fields.etag = etag;
      if (header(req, 'if-none-match') === etag) {
        const { 'content-type': _, ...kept } = fields;
        send(res, 304, kept, undefined);
        return;
      }
    }
    send(res, status, fields, body);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    version: versionOf,
    lastModified: (path, version) => made.get(`${path} ${version}`),
    statuses,
    requests: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sig(path: string, variant: string, version: number, user: string, serial: number) {
  return { path, variant, version, user, serial };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
