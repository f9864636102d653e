import { describe, expect, it } from 'vitest';
import { lines, runCli } from './run.ts';

describe.concurrent('bad arguments: a one-line error, the usage, exit code 2', () => {
  it.each([
    [['frob'], /^error: unknown command 'frob'/, 'httpcache [options] [command]'],
    [['get'], /^error: missing required argument 'url'$/, 'httpcache get [options] <url>'],
    [
      ['get', 'not a url'],
      /^error: command-argument value 'not a url' is invalid .*http/,
      'httpcache get',
    ],
    [['get', 'ftp://example.com/'], /is invalid .*http: or https:/, 'httpcache get'],
    [['get', 'http://x/', '--bogus'], /^error: unknown option '--bogus'$/, 'httpcache get'],
    [
      ['get', 'http://x/', '-H', 'no colon'],
      /'-H, --header <header>' .*"Name: value"$/,
      'httpcache get',
    ],
    [
      ['get', 'http://x/', '--cache-mode', 'sometimes'],
      /Allowed choices are default, no-store/,
      'httpcache get',
    ],
    [
      ['get', 'http://x/', '-d', 'x', '-X', 'GET'],
      /^error: --data cannot be sent with GET$/,
      'httpcache get',
    ],
    [
      ['ls', '--store', 'nosuch:thing'],
      /unknown storage URI "nosuch:thing"; expected sqlite:PATH, fs:DIR, memory: or redis:\/\/HOST\[:PORT\]\[\/DB\]$/,
      'httpcache ls',
    ],
    [
      ['ls', '--store', 'redis://localhost:port'],
      /invalid Redis URI "redis:\/\/localhost:port"/,
      'httpcache ls',
    ],
    [
      ['show', 'http://x/', '--body', '--json'],
      /'--body' cannot be used with option '--json'$/,
      'httpcache show',
    ],
    [['purge'], /^error: purge needs a key or URL, --prefix URL or --tag TAG$/, 'httpcache purge'],
    [
      ['proxy', '--port', '80'],
      /^error: required option '--upstream <url>' not specified$/,
      'httpcache proxy',
    ],
    [
      ['proxy', '--upstream', 'http://x', '--port', 'http'],
      /'--port <n>' .*port number/,
      'httpcache proxy',
    ],
    [['stats', 'extra'], /^error: too many arguments for 'stats'/, 'httpcache stats'],
  ])('httpcache %j', async (args, error, usage) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout.length).toBe(0);
    const [first, second, third, ...rest] = lines(result.stderr);
    expect(first).toMatch(error);
    expect(second).toMatch(new RegExp(`^Usage: ${usage.replace(/[[\]]/g, '\\$&')}`));
    expect(third).toMatch(/^Try 'httpcache( \w+)? --help' for more information\.$/);
    expect(rest).toEqual([]);
  });

  it('no arguments at all: the help, exit code 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: httpcache \[options\] \[command\]/);
  });

  it('--help and --version exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.toString();
    for (const command of ['get', 'ls', 'show', 'purge', 'prune', 'stats', 'clear', 'proxy']) {
      expect(text).toMatch(new RegExp(`\\n  ${command} `));
    }
    for (const scheme of ['sqlite:', 'fs:', 'memory:', 'redis://']) expect(text).toContain(scheme);
    const getHelp = await runCli(['get', '--help']);
    expect(getHelp.stdout.toString()).toMatch(/--cache-mode <mode>/);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.toString()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe.concurrent('colours', () => {
  const ESC = '\x1b[';

  it('are used when the terminal supports them (FORCE_COLOR stands in for one)', async () => {
    const result = await runCli(['stats', '--store', 'memory:'], {
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(result.stdout.toString()).toContain(`${ESC}2mstore:`);
  });

  it('are never used with NO_COLOR, nor in --json', async () => {
    const plain = await runCli(['stats', '--store', 'memory:'], {
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(plain.stdout.toString()).toMatch(/^store: +memory:\nentries: +0 \(0 fresh, 0 stale\)\n/);
    const json = await runCli(['stats', '--store', 'memory:', '--json'], {
      env: { NO_COLOR: '', FORCE_COLOR: '1' },
    });
    expect(JSON.parse(json.stdout.toString())).toEqual({
      store: 'memory:',
      entries: 0,
      bytes: 0,
      fresh: 0,
      stale: 0,
      hits: 0,
    });
  });
});
