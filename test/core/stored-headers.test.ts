import { describe, expect, it } from 'vitest';
import { parseCacheControl } from '../../src/core/cache-control.ts';
import {
  headersToStore,
  NOT_UPDATED_FIELDS,
  UNSTORED_FIELDS,
  updateHeaders,
} from '../../src/core/stored-headers.ts';

type Pairs = [string, string][];

function ccOf(headers: Pairs): ReturnType<typeof parseCacheControl> {
  const values = headers.filter(([n]) => n.toLowerCase() === 'cache-control').map(([, v]) => v);
  return parseCacheControl(values.length === 0 ? null : values.join(', '));
}

describe('RFC 9111 §3.1 storing header fields', () => {
  // "Caches MUST include all received response header fields ... except" the hop-by-hop fields
  // of RFC 9110 §7.6.1 and the Proxy-* authentication fields.
  it.each([
    'connection',
    'proxy-connection',
    'keep-alive',
    'te',
    'transfer-encoding',
    'upgrade',
    'proxy-authenticate',
    'proxy-authentication-info',
    'proxy-authorization',
  ])('%s is not stored', (name) => {
    expect(UNSTORED_FIELDS.has(name)).toBe(true);
    const input: Pairs = [
      ['content-type', 'text/plain'],
      [name, 'x'],
      ['etag', '"a"'],
    ];
    expect(headersToStore(input, {}, { shared: false })).toEqual([
      ['content-type', 'text/plain'],
      ['etag', '"a"'],
    ]);
  });

  it.each<[name: string, input: Pairs, shared: boolean, expected: Pairs]>([
    [
      'names are lower-cased, order and values kept',
      [
        ['Content-Type', 'text/html; charset=UTF-8'],
        ['ETag', '"x"'],
        ['X-Custom', '  spaced  '],
      ],
      false,
      [
        ['content-type', 'text/html; charset=UTF-8'],
        ['etag', '"x"'],
        ['x-custom', '  spaced  '],
      ],
    ],
    [
      'repeated fields are kept line by line',
      [
        ['link', '</a>; rel=preload'],
        ['Set-Cookie', 'a=1'],
        ['link', '</b>; rel=preload'],
        ['set-cookie', 'b=2'],
      ],
      false,
      [
        ['link', '</a>; rel=preload'],
        ['set-cookie', 'a=1'],
        ['link', '</b>; rel=preload'],
        ['set-cookie', 'b=2'],
      ],
    ],
    [
      'unstored fields match case-insensitively',
      [
        ['Keep-Alive', 'timeout=5'],
        ['TRANSFER-ENCODING', 'chunked'],
        ['Date', 'd'],
      ],
      false,
      [['date', 'd']],
    ],
    [
      // "the Connection header field and fields whose names are listed in it"
      'fields listed in Connection',
      [
        ['Connection', 'close, X-Hop, x-other'],
        ['X-Hop', '1'],
        ['x-other', '2'],
        ['x-end', '3'],
      ],
      false,
      [['x-end', '3']],
    ],
    [
      'fields listed in several Connection lines',
      [
        ['connection', 'x-a'],
        ['connection', ' X-B '],
        ['x-a', '1'],
        ['x-b', '2'],
        ['x-c', '3'],
      ],
      false,
      [['x-c', '3']],
    ],
    [
      'a Connection listed field that comes before Connection',
      [
        ['x-early', '1'],
        ['connection', 'x-early'],
        ['age', '0'],
      ],
      false,
      [['age', '0']],
    ],
    [
      // RFC 9111 §5.2.2.4: the qualified no-cache field names are not reused without revalidation.
      'qualified no-cache field names, private cache',
      [
        ['cache-control', 'no-cache="X-A, set-cookie", max-age=60'],
        ['x-a', '1'],
        ['Set-Cookie', 's=1'],
        ['x-b', '2'],
      ],
      false,
      [
        ['cache-control', 'no-cache="X-A, set-cookie", max-age=60'],
        ['x-b', '2'],
      ],
    ],
    [
      'qualified no-cache field names, shared cache',
      [
        ['cache-control', 'no-cache="x-a"'],
        ['X-A', '1'],
        ['x-b', '2'],
      ],
      true,
      [
        ['cache-control', 'no-cache="x-a"'],
        ['x-b', '2'],
      ],
    ],
    [
      'unqualified no-cache drops nothing',
      [
        ['cache-control', 'no-cache'],
        ['x-a', '1'],
      ],
      false,
      [
        ['cache-control', 'no-cache'],
        ['x-a', '1'],
      ],
    ],
    [
      // RFC 9111 §5.2.2.7: "a shared cache MUST NOT store the specified field names"
      'qualified private field names, shared cache',
      [
        ['cache-control', 'private="x-user, X-Token", max-age=60'],
        ['x-user', 'alice'],
        ['x-token', 't'],
        ['x-public', 'p'],
      ],
      true,
      [
        ['cache-control', 'private="x-user, X-Token", max-age=60'],
        ['x-public', 'p'],
      ],
    ],
    [
      'qualified private field names, private cache keeps them',
      [
        ['cache-control', 'private="x-user"'],
        ['x-user', 'alice'],
      ],
      false,
      [
        ['cache-control', 'private="x-user"'],
        ['x-user', 'alice'],
      ],
    ],
    [
      'Set-Cookie is stripped in a shared cache',
      [
        ['Set-Cookie', 'a=1'],
        ['set-cookie', 'b=2'],
        ['cache-control', 'public, max-age=60'],
      ],
      true,
      [['cache-control', 'public, max-age=60']],
    ],
    [
      'Set-Cookie is kept in a private cache',
      [
        ['set-cookie', 'a=1'],
        ['cache-control', 'max-age=60'],
      ],
      false,
      [
        ['set-cookie', 'a=1'],
        ['cache-control', 'max-age=60'],
      ],
    ],
    ['no fields', [], true, []],
  ])('%s', (_name, input, shared, expected) => {
    expect(headersToStore(input, ccOf(input), { shared })).toEqual(expected);
  });

  it('reads any iterable of pairs, such as Headers', () => {
    const headers = new Headers([
      ['Content-Type', 'text/plain'],
      ['Connection', 'x-hop'],
      ['X-Hop', '1'],
      ['Cache-Control', 'max-age=5'],
    ]);
    expect(headersToStore(headers, { maxAge: 5 }, { shared: false })).toEqual([
      ['cache-control', 'max-age=5'],
      ['content-type', 'text/plain'],
    ]);
  });
  // Regression test: a one-shot iterable (a generator) once stored no field, being read twice.
  // RFC 9111 §3.1: "Caches MUST include all received response header fields", less the exceptions.
  it('reads a one-shot iterable of fields', () => {
    function* fields(): Generator<[string, string]> {
      yield ['etag', '"a"'];
      yield ['x-kept', '1'];
    }
    expect(headersToStore(fields(), {}, { shared: false })).toEqual([
      ['etag', '"a"'],
      ['x-kept', '1'],
    ]);
  });
});

describe('storeSetCookie: a shared cache that keeps Set-Cookie (RFC 9111 §7.3)', () => {
  const withCookie: Pairs = [
    ['set-cookie', 'a=1'],
    ['cache-control', 'public, max-age=60'],
  ];

  it('keeps Set-Cookie in what a shared cache stores', () => {
    const options = { shared: true, storeSetCookie: true };
    expect(headersToStore(withCookie, ccOf(withCookie), options)).toEqual(withCookie);
  });

  it('still drops it where the response names it in private= or no-cache=', () => {
    const options = { shared: true, storeSetCookie: true };
    for (const directive of ['private="set-cookie"', 'no-cache="Set-Cookie"']) {
      const input: Pairs = [
        ['set-cookie', 'a=1'],
        ['cache-control', `${directive}, max-age=60`],
      ];
      expect(headersToStore(input, ccOf(input), options)).toEqual([input[1]]);
    }
  });

  it('lets a 304 replace the stored Set-Cookie', () => {
    const stored: Pairs = [['set-cookie', 'old=1']];
    const newer: Pairs = [['set-cookie', 'new=2']];
    const options = { shared: true, storeSetCookie: true };
    expect(updateHeaders(stored, newer, {}, options)).toEqual(newer);
    expect(updateHeaders(stored, newer, {}, { shared: true })).toEqual(stored);
  });
});

describe('RFC 9111 §3.2 updating stored header fields', () => {
  const storedPairs: Pairs = [
    ['content-type', 'text/plain'],
    ['content-length', '11'],
    ['content-encoding', 'gzip'],
    ['date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
    ['etag', '"v1"'],
    ['cache-control', 'max-age=60'],
    ['link', '</a>'],
    ['link', '</b>'],
    ['set-cookie', 'old=1'],
  ];

  it('NOT_UPDATED_FIELDS are Content-Length and the fields the decoded body depends on', () => {
    expect([...NOT_UPDATED_FIELDS].sort()).toEqual([
      'content-encoding',
      'content-length',
      'content-range',
    ]);
  });

  it.each<[name: string, newer: Pairs, shared: boolean, expected: Pairs]>([
    [
      // "the cache MUST add each header field in the provided response to the stored response,
      // replacing field values that are already present"
      'fields in the 304 replace the stored ones, new ones are appended',
      [
        ['Date', 'Tue, 02 Jan 2024 00:00:00 GMT'],
        ['Cache-Control', 'max-age=600'],
        ['X-New', 'n'],
      ],
      false,
      [
        ['content-type', 'text/plain'],
        ['content-length', '11'],
        ['content-encoding', 'gzip'],
        ['etag', '"v1"'],
        ['link', '</a>'],
        ['link', '</b>'],
        ['set-cookie', 'old=1'],
        ['date', 'Tue, 02 Jan 2024 00:00:00 GMT'],
        ['cache-control', 'max-age=600'],
        ['x-new', 'n'],
      ],
    ],
    [
      'every stored line of a field is replaced',
      [['link', '</c>']],
      false,
      [
        ['content-type', 'text/plain'],
        ['content-length', '11'],
        ['content-encoding', 'gzip'],
        ['date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
        ['etag', '"v1"'],
        ['cache-control', 'max-age=60'],
        ['set-cookie', 'old=1'],
        ['link', '</c>'],
      ],
    ],
    [
      // Exceptions: "The Content-Length header field" and fields the stored response depends on.
      'Content-Length, Content-Encoding and Content-Range are not updated',
      [
        ['content-length', '0'],
        ['Content-Encoding', 'br'],
        ['content-range', 'bytes 0-1/2'],
      ],
      false,
      storedPairs,
    ],
    [
      // Exception: "Header fields excepted from storage in Section 3.1"
      'hop-by-hop and Connection-listed fields are not added',
      [
        ['connection', 'x-hop'],
        ['keep-alive', 'timeout=5'],
        ['transfer-encoding', 'chunked'],
        ['x-hop', 'h'],
        ['proxy-authenticate', 'Basic'],
      ],
      false,
      storedPairs,
    ],
    [
      'Set-Cookie in the 304 replaces the stored one in a private cache',
      [['set-cookie', 'new=2']],
      false,
      [
        ['content-type', 'text/plain'],
        ['content-length', '11'],
        ['content-encoding', 'gzip'],
        ['date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
        ['etag', '"v1"'],
        ['cache-control', 'max-age=60'],
        ['link', '</a>'],
        ['link', '</b>'],
        ['set-cookie', 'new=2'],
      ],
    ],
    [
      'Set-Cookie in the 304 is not stored by a shared cache',
      [['set-cookie', 'new=2']],
      true,
      storedPairs,
    ],
    [
      'a 304 naming a private field is not stored by a shared cache',
      [
        ['cache-control', 'private="x-user", max-age=5'],
        ['x-user', 'bob'],
      ],
      true,
      [
        ['content-type', 'text/plain'],
        ['content-length', '11'],
        ['content-encoding', 'gzip'],
        ['date', 'Mon, 01 Jan 2024 00:00:00 GMT'],
        ['etag', '"v1"'],
        ['link', '</a>'],
        ['link', '</b>'],
        ['set-cookie', 'old=1'],
        ['cache-control', 'private="x-user", max-age=5'],
      ],
    ],
    ['an empty 304 changes nothing', [], false, storedPairs],
  ])('%s', (_name, newer, shared, expected) => {
    expect(updateHeaders(storedPairs, newer, ccOf(newer), { shared })).toEqual(expected);
  });

  it('returns a copy, leaving the stored pairs untouched', () => {
    const before = structuredClone(storedPairs);
    const out = updateHeaders(storedPairs, [], {}, { shared: false });
    expect(out).not.toBe(storedPairs);
    out.push(['x', 'y']);
    const replaced = updateHeaders(storedPairs, [['etag', '"v2"']], {}, { shared: false });
    expect(replaced.filter(([n]) => n === 'etag')).toEqual([['etag', '"v2"']]);
    expect(storedPairs).toEqual(before);
  });
});
