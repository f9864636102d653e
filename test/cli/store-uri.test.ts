import { describe, expect, it } from 'vitest';
import { formatStoreUri, parseStoreUri, readStoreUri } from '../../src/cli/store-uri.ts';
import { OptionsError } from '../../src/errors.ts';

const cwd = '/srv/app';
const home = '/home/me';

describe('storage URIs', () => {
  it.each([
    ['sqlite:/var/cache/http.sqlite', { type: 'sqlite', path: '/var/cache/http.sqlite' }],
    ['sqlite:///var/cache/http.sqlite', { type: 'sqlite', path: '/var/cache/http.sqlite' }],
    ['sqlite:cache.sqlite', { type: 'sqlite', path: '/srv/app/cache.sqlite' }],
    ['SQLITE:./a/../b.sqlite', { type: 'sqlite', path: '/srv/app/b.sqlite' }],
    ['sqlite:~/c.sqlite', { type: 'sqlite', path: '/home/me/c.sqlite' }],
    ['sqlite:', { type: 'sqlite' }],
    ['fs:/tmp/cache', { type: 'fs', path: '/tmp/cache' }],
    ['fs:.cache', { type: 'fs', path: '/srv/app/.cache' }],
    ['fs:', { type: 'fs' }],
    ['memory:', { type: 'memory' }],
    ['memory://', { type: 'memory' }],
    ['redis://localhost:6379', { type: 'redis', url: 'redis://localhost:6379' }],
    ['REDIS://h/2?prefix=app%3A', { type: 'redis', url: 'redis://h/2', prefix: 'app:' }],
    ['rediss://u:p@cache.example.com', { type: 'redis', url: 'rediss://u:p@cache.example.com' }],
  ])('%s', (uri, spec) => {
    expect(parseStoreUri(uri, 'store', cwd, home)).toEqual(spec);
  });

  it.each([
    ['redis://localhost:port', /invalid Redis URI "redis:\/\/localhost:port"/],
    ['redis:///0', /names no host/],
    ['memory:/x', /"memory:" takes no path/],
    [
      './cache.sqlite',
      /unknown storage URI ".\/cache.sqlite"; expected sqlite:PATH, fs:DIR, memory: or redis:\/\/HOST/,
    ],
    ['C:\\cache', /unknown storage URI/],
    ['s3://bucket', /unknown storage URI/],
  ])('%s is refused', (uri, problem) => {
    const result = readStoreUri(uri, cwd, home);
    expect('problem' in result && result.problem).toMatch(problem);
    expect(() => parseStoreUri(uri, 'cacheStore')).toThrow(OptionsError);
    expect(() => parseStoreUri(uri, 'cacheStore')).toThrow(/`cacheStore`/);
  });

  it('formats a spec back into a URI', () => {
    expect(formatStoreUri({ type: 'sqlite', path: '/a.sqlite' })).toBe('sqlite:/a.sqlite');
    expect(formatStoreUri({ type: 'fs' }, '/default')).toBe('fs:/default');
    expect(formatStoreUri({ type: 'memory' })).toBe('memory:');
    expect(formatStoreUri({ type: 'redis', url: 'redis://u:secret@h:1/2', prefix: 'a:' })).toBe(
      'redis://u:***@h:1/2?prefix=a%3A',
    );
  });
});
