import { afterEach, describe, expect, it } from 'vitest';
import { debugEnabled, debugLogging } from '../../src/engine/debug.ts';
import { Emitter } from '../../src/engine/events.ts';

describe('debug logging', () => {
  const saved = { DEBUG: process.env.DEBUG, NODE_DEBUG: process.env.NODE_DEBUG };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it.each([
    [{}, false],
    [{ DEBUG: 'httpcache' }, true],
    [{ DEBUG: 'express,httpcache' }, true],
    [{ DEBUG: 'httpcache:*' }, true],
    [{ DEBUG: '*' }, true],
    [{ NODE_DEBUG: 'http httpcache' }, true],
    [{ DEBUG: 'httpcacheish' }, false],
  ])('%j → %s', (env, expected) => {
    expect(debugEnabled(env)).toBe(expected);
  });

  it('prints one line per event when turned on, and nothing when off', () => {
    const lines: string[] = [];
    process.env.DEBUG = 'httpcache';
    const on = new Emitter();
    debugLogging(on, (line) => lines.push(line));
    on.emit('hit', { key: 'GET https://a/', url: 'https://a/', stale: false });
    on.emit('error', { key: 'k', url: 'https://a/', operation: 'get', error: new Error('boom') });
    delete process.env.DEBUG;
    const off = new Emitter();
    debugLogging(off, (line) => lines.push(line));
    off.emit('hit', { key: 'GET https://a/', url: 'https://a/', stale: false });
    expect(lines).toEqual([
      'httpcache hit https://a/ {"key":"GET https://a/","stale":false}',
      'httpcache error https://a/ {"key":"k","operation":"get","error":"Error: boom"}',
    ]);
  });
});
