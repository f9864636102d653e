import { describe, expect, it } from 'vitest';
import { defaultKey, normalizeUrl } from '../../src/core/key.ts';

describe('RFC 9111 §2 primary cache key: the target URI', () => {
  it.each<[input: string, expected: string]>([
    ['https://example.com/a', 'https://example.com/a'],
    ['https://example.com', 'https://example.com/'],
    // RFC 9110 §4.2.3: scheme and host are case-insensitive; default ports are dropped.
    ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['https://example.com:8443/a', 'https://example.com:8443/a'],
    // Dot segments removed.
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    // The query is part of the key, verbatim.
    ['https://example.com/a?b=2&a=1', 'https://example.com/a?b=2&a=1'],
    ['https://example.com/a?', 'https://example.com/a?'],
    // The fragment is never sent, so it is not part of the key.
    ['https://example.com/a#frag', 'https://example.com/a'],
    ['https://example.com/a?q=1#frag', 'https://example.com/a?q=1'],
    ['https://example.com/a#', 'https://example.com/a'],
    // Characters that must be percent-encoded are.
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['https://example.com/ü', 'https://example.com/%C3%BC'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['https://example.com/%7Euser', 'https://example.com/%7Euser'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  // Most URLs are written as the parser would write them and are recognised without parsing:
  // each of these must come out exactly as WHATWG URL parsing gives it.
  it.each([
    'http://127.0.0.1:34567/miss/1024?n=1',
    'http://localhost/a/b.c/d..e/.f/g.?x=/./&y=../',
    "https://api.example.com/v1/items('a')?q=a:b@c;d=e,f*g+h!~$&",
    'https://a-b.c0.example/x/?',
    'http://example.com:80/a',
    'https://example.com:443/a',
    'http://example.com:443/a',
    'https://example.com:8443/a',
    'http://example.com:65535/a',
    'http://example.com:65536/a',
    'http://example.com:0/a',
    'http://example.com:080/a',
    'http://1.2.3.4/a',
    'http://01.2.3.4/a',
    'http://1.2.3/a',
    'http://1.2.3.256/a',
    'http://255.255.255.255/a',
    'http://example.123/a',
    'http://example.0x1f/a',
    'http://a.b.c.d1/a',
    'http://xn--bcher-kva.example/a',
    'http://xn--zz/a',
    'http://example.com/a/./b',
    'http://example.com/a/../b',
    'http://example.com/a/..',
    'http://example.com/a/.?q',
    "http://example.com/a?q='1'",
    'http://example.com/a?q=%2e',
    'http://example.com/%2e/a',
    'http://example.com/a|b^c',
    'http://example.com',
    'http://Example.com/a',
    'HTTP://example.com/a',
    'http://example.com./a',
    'http://a..b/a',
    'ftp://example.com/a',
    'http://user@example.com/a',
    'http://example.com/a\\b',
  ])('%s is normalised as the URL parser writes it', (input) => {
    let parsed: string | undefined;
    try {
      const url = new URL(input);
      url.hash = '';
      parsed = url.href;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) expect(() => normalizeUrl(input)).toThrow(TypeError);
    else expect(normalizeUrl(input)).toBe(parsed);
  });

  it('accepts a URL object and leaves it untouched', () => {
    const url = new URL('https://Example.com/a#frag');
    expect(normalizeUrl(url)).toBe('https://example.com/a');
    expect(url.hash).toBe('#frag');
  });

  it.each(['', 'not a url', '/relative', 'https://[bad'])('throws on %j', (input) => {
    expect(() => normalizeUrl(input)).toThrow(TypeError);
  });

  it.each<[method: string, expected: string]>([
    ['GET', 'GET https://example.com/a'],
    // RFC 9111 §4.3.5 / RFC 9110 §9.3.2: HEAD is answered from the stored GET response.
    ['HEAD', 'GET https://example.com/a'],
    ['POST', 'POST https://example.com/a'],
    ['OPTIONS', 'OPTIONS https://example.com/a'],
    // Methods are case-sensitive.
    ['head', 'head https://example.com/a'],
  ])('defaultKey(%s)', (method, expected) => {
    expect(defaultKey(method, 'https://example.com/a')).toBe(expected);
  });
});
