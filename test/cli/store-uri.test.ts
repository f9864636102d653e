import { describe, expect, it } from 'vitest';
import { formatStoreUri, parseStoreUri, readStoreUri } from '../../src/cli/store-uri.ts';
import { OptionsError } from '../../src/errors.ts';

const cwd = '/work';
const home = '/home/me';

describe('storage URIs', () => {
  it.each([
    ['sqlite:/var/cache/http.sqlite', { type: 'sqlite', path: '/var/cache/http.sqlite' }],
    ['sqlite:///var/cache/http.sqlite', { type: 'sqlite', path: '/var/cache/http.sqlite' }],
    ['sqlite:cache.sqlite', { type: 'sqlite', path: '/work/cache.sqlite' }],
    ['SQLITE:./a/../b.sqlite', { type: 'sqlite', path: '/work/b.sqlite' }],
    ['sqlite:~/c.sqlite', { type: 'sqlite', path: '/home/me/c.sqlite' }],
    ['sqlite:', { type: 'sqlite' }],
    ['fs:/tmp/cache', { type: 'fs', path: '/tmp/cache' }],
    ['fs:.cache', { type: 'fs', path: '/work/.cache' }],
    ['fs:', { type: 'fs' }],
    ['memory:', { type: 'memory' }],
    ['memory://', { type: 'memory' }],
  ])('%s', (uri, spec) => {
    expect(parseStoreUri(uri, 'store', cwd, home)).toEqual(spec);
  });

  it.each([
    ['redis://localhost:6379', /Redis storage is not available yet/],
    ['rediss://cache.example.com', /Redis storage is not available yet/],
    ['memory:/x', /"memory:" takes no path/],
    [
      './cache.sqlite',
      /unknown storage URI ".\/cache.sqlite"; expected sqlite:PATH, fs:DIR or memory:/,
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
  });
});
