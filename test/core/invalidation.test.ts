import { describe, expect, it } from 'vitest';
import { invalidatedUrls } from '../../src/core/invalidation.ts';
import { reader } from './fixtures.ts';

const TARGET = 'https://example.com/items/1';

describe('RFC 9111 §4.4 invalidating stored responses', () => {
  // "A cache MUST invalidate the target URI when it receives a non-error status code in response to
  // an unsafe request method (including methods whose safety is unknown)."
  it.each<[method: string, expected: string[]]>([
    ['POST', [TARGET]],
    ['PUT', [TARGET]],
    ['DELETE', [TARGET]],
    ['PATCH', [TARGET]],
    ['CONNECT', [TARGET]],
    ['PURGE', [TARGET]],
    ['PROPFIND', [TARGET]],
    // Methods are case-sensitive (RFC 9110 §9.1): "get" is not the safe GET.
    ['get', [TARGET]],
    // RFC 9110 §9.2.1: safe methods.
    ['GET', []],
    ['HEAD', []],
    ['OPTIONS', []],
    ['TRACE', []],
  ])('%s', (method, expected) => {
    expect(invalidatedUrls(method, TARGET, 200, reader())).toEqual(expected);
  });

  // "non-error status code": 2xx and 3xx.
  it.each<[status: number, expected: string[]]>([
    [100, []],
    [199, []],
    [200, [TARGET]],
    [201, [TARGET]],
    [204, [TARGET]],
    [299, [TARGET]],
    [301, [TARGET]],
    [303, [TARGET]],
    [304, [TARGET]],
    [399, [TARGET]],
    [400, []],
    [404, []],
    [409, []],
    [412, []],
    [500, []],
    [503, []],
  ])('POST answered %i', (status, expected) => {
    expect(invalidatedUrls('POST', TARGET, status, reader())).toEqual(expected);
  });

  // "A cache MAY invalidate other URIs ... In particular, the URI(s) in the Location and
  // Content-Location response header fields (if present) are candidates for invalidation.
  // However, a cache MUST NOT trigger an invalidation under these conditions if the origin ... of
  // the URI to be invalidated differs from that of the target URI".
  it.each<[name: string, headers: Record<string, string>, expected: string[]]>([
    [
      'absolute Location, same origin',
      { location: 'https://example.com/items' },
      [TARGET, 'https://example.com/items'],
    ],
    ['relative Location', { location: '/items/2' }, [TARGET, 'https://example.com/items/2']],
    ['path-relative Location', { location: '2?x=1' }, [TARGET, 'https://example.com/items/2?x=1']],
    [
      'Content-Location',
      { 'content-location': '/items/1.json' },
      [TARGET, 'https://example.com/items/1.json'],
    ],
    [
      'both, in order Location then Content-Location',
      { 'content-location': '/b', location: '/a' },
      [TARGET, 'https://example.com/a', 'https://example.com/b'],
    ],
    [
      'the same URI twice is listed once',
      { location: '/a', 'content-location': 'https://example.com/a' },
      [TARGET, 'https://example.com/a'],
    ],
    ['Location equal to the target', { location: '/items/1' }, [TARGET]],
    ['host differs', { location: 'https://other.example/items' }, [TARGET]],
    ['subdomain differs', { location: 'https://www.example.com/items' }, [TARGET]],
    ['scheme differs', { location: 'http://example.com/items' }, [TARGET]],
    ['port differs', { location: 'https://example.com:8443/items' }, [TARGET]],
    [
      'explicit default port is the same origin',
      { location: 'https://example.com:443/x' },
      [TARGET, 'https://example.com/x'],
    ],
    [
      'host case does not matter',
      { location: 'https://EXAMPLE.com/x' },
      [TARGET, 'https://example.com/x'],
    ],
    ['protocol-relative to another host', { location: '//evil.example/x' }, [TARGET]],
    ['unparseable Location is ignored', { location: 'https://[bad' }, [TARGET]],
    [
      'cross-origin Location, same-origin Content-Location',
      { location: 'https://cdn.example/a', 'content-location': '/b' },
      [TARGET, 'https://example.com/b'],
    ],
  ])('%s', (_name, headers, expected) => {
    expect(invalidatedUrls('POST', TARGET, 201, reader(headers))).toEqual(expected);
  });

  it('Location and Content-Location are not invalidated after an error', () => {
    expect(invalidatedUrls('DELETE', TARGET, 500, reader({ location: '/a' }))).toEqual([]);
  });

  it('Location and Content-Location are not invalidated after a safe method', () => {
    expect(invalidatedUrls('GET', TARGET, 200, reader({ 'content-location': '/a' }))).toEqual([]);
  });

  it.each<[url: string, expected: string[]]>([
    ['not a url', []],
    ['', []],
    ['HTTPS://Example.COM:443/a/../b', ['https://example.com/b']],
  ])('target %j', (url, expected) => {
    expect(invalidatedUrls('PUT', url, 204, reader())).toEqual(expected);
  });
});
