/**
 * Shared-cache leaks, the class of undici's CVE-2026-13697: degenerate and qualified `private`,
 * `no-cache="set-cookie"`, `Set-Cookie` on public responses, and `Authorization` with and without
 * the directives of RFC 9111 §3.5. For each form, a real origin personalises its answer per user
 * (by Authorization or Cookie), and the test proves that user B never receives anything of user
 * A's through `createFetch({ shared: true })`, and states what the cache stored and stripped.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheStatus, createFetch } from '../../src/index.ts';
import { manualClock } from '../helpers/clock.ts';
import { type ReceivedRequest, startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { RecordingStorage, settle, until } from './helpers.ts';

type User = 'alice' | 'bob';
type Credential = 'authorization' | 'cookie';

/** A user's request headers, by the credential the origin personalises on. */
function credentials(user: User, by: Credential): Record<string, string> {
  return by === 'authorization'
    ? { authorization: `Bearer ${user}-token` }
    : { cookie: `session=${user}-session` };
}

/** Who the origin thinks is asking. */
function userOf(headers: IncomingHttpHeaders): string {
  const auth = /Bearer (\w+)-token/.exec(headers.authorization ?? '');
  if (auth !== null) return auth[1] ?? 'nobody';
  const cookie = /session=(\w+)-session/.exec(headers.cookie ?? '');
  return cookie?.[1] ?? 'anonymous';
}

/** How one test's origin answers. */
interface Answer {
  /** Cache-Control field lines. */
  readonly cacheControl: readonly string[];
  readonly vary?: string;
  /** Whether the body names the user (`personal`) or is the same for all (`shared`). */
  readonly body: 'personal' | 'shared';
  /** Extra fields, such as `cdn-cache-control`. */
  readonly fields?: Readonly<Record<string, string>>;
  /**
   * Whether to send the personal `x-user` field on a page that is otherwise the same for everyone
   * (a personal page always sends it): only where the origin also names it as private.
   */
  readonly xUser?: boolean;
}

/**
 * An origin route that always personalises the cookies it sets, and the body and an `x-user`
 * field when told to.
 */
function personalised(answer: Answer) {
  return (req: ReceivedRequest, res: ServerResponse): void => {
    const user = userOf(req.headers);
    const headers: Record<string, string | string[]> = {
      'content-type': 'text/plain',
      'set-cookie': [`session=${user}-session; Path=/; HttpOnly`, `csrf=${user}-csrf; Path=/`],
      ...answer.fields,
    };
    if (answer.body === 'personal' || answer.xUser === true) headers['x-user'] = user;
    if (answer.cacheControl.length > 0) headers['cache-control'] = [...answer.cacheControl];
    if (answer.vary !== undefined) headers.vary = answer.vary;
    res.writeHead(200, headers);
    res.end(answer.body === 'personal' ? `account of ${user}` : 'the public page');
  };
}

/** Everything of a response a user sees, as one string to search for another user's name. */
async function seen(response: Response): Promise<{ text: string; all: string }> {
  const text = await response.text();
  return { text, all: `${JSON.stringify([...response.headers])}\n${text}` };
}

interface LeakCase {
  readonly name: string;
  readonly by: Credential;
  readonly answer: Answer;
  /** Whether alice's response is stored. */
  readonly stored: boolean;
  /** Stored header fields that must have been stripped (always `set-cookie` in a shared cache). */
  readonly stripped?: readonly string[];
  /** Stored header fields that must have been kept. */
  readonly kept?: readonly string[];
}

const PERSONAL = 'personal' as const;
const SHARED = 'shared' as const;

const CASES: readonly LeakCase[] = [
  // Unqualified private, in any case: never stored by a shared cache (RFC 9111 §5.2.2.7).
  ...['private', 'PRIVATE', 'Private', 'pRiVaTe'].map(
    (form): LeakCase => ({
      name: `${form}, max-age=60`,
      by: 'cookie',
      answer: { cacheControl: [`${form}, max-age=60`], body: PERSONAL },
      stored: false,
    }),
  ),
  // Degenerate qualified private: no field named, so unqualified (the CVE's first half).
  ...['private=', 'private=""', 'private=","', 'private=" "', 'private="', 'PRIVATE='].map(
    (form): LeakCase => ({
      name: `degenerate ${form} with max-age=60`,
      by: 'cookie',
      answer: { cacheControl: [`max-age=60, ${form}`], body: PERSONAL },
      stored: false,
    }),
  ),
  {
    name: 'a trailing comma: max-age=60, private,',
    by: 'cookie',
    answer: { cacheControl: ['max-age=60, private,'], body: PERSONAL },
    stored: false,
  },
  {
    name: 'private, on a field line of its own',
    by: 'cookie',
    answer: { cacheControl: ['max-age=60', 'private,'], body: PERSONAL },
    stored: false,
  },
  // Unqualified and qualified together: unqualified wins, and nothing throws (the CVE's second half).
  ...[
    'private, private="set-cookie"',
    'private="set-cookie", private',
    'private="set-cookie", PRIVATE=',
  ].map(
    (form): LeakCase => ({
      name: `mixed ${form}`,
      by: 'cookie',
      answer: { cacheControl: [`max-age=60, ${form}`], body: PERSONAL },
      stored: false,
    }),
  ),
  {
    name: 'mixed: private on one field line, private="set-cookie" on another',
    by: 'cookie',
    answer: { cacheControl: ['max-age=60, private="set-cookie"', 'private'], body: PERSONAL },
    stored: false,
  },
  // Qualified private: the rest of the response is shareable; the named fields are not stored.
  {
    name: 'private="set-cookie" on a page that is the same for everyone',
    by: 'cookie',
    answer: { cacheControl: ['max-age=60, private="set-cookie"'], body: SHARED },
    stored: true,
    stripped: ['set-cookie'],
    kept: ['content-type', 'cache-control'],
  },
  {
    name: 'private="Set-Cookie, X-User" (mixed case field names)',
    by: 'cookie',
    answer: {
      cacheControl: ['max-age=60, private="Set-Cookie, X-User"'],
      body: SHARED,
      xUser: true,
    },
    stored: true,
    stripped: ['set-cookie', 'x-user'],
  },
  {
    name: 'private=x-user (token form)',
    by: 'cookie',
    answer: { cacheControl: ['max-age=60, private=x-user'], body: SHARED, xUser: true },
    stored: true,
    stripped: ['set-cookie', 'x-user'],
  },
  {
    name: 'private="set-cookie, x-user" on a personal page that varies on Cookie',
    by: 'cookie',
    answer: {
      cacheControl: ['max-age=60, private="set-cookie, x-user"'],
      vary: 'Cookie',
      body: PERSONAL,
    },
    stored: true,
    stripped: ['set-cookie', 'x-user'],
  },
  // no-cache="set-cookie": stored without the field (RFC 9111 §5.2.2.4).
  {
    name: 'no-cache="set-cookie"',
    by: 'cookie',
    answer: {
      cacheControl: ['max-age=60, no-cache="set-cookie, x-user"'],
      body: SHARED,
      xUser: true,
    },
    stored: true,
    stripped: ['set-cookie', 'x-user'],
  },
  // Set-Cookie on otherwise public responses: a shared cache stores them without it.
  ...['public, max-age=60', 'max-age=60', 's-maxage=60', 'public, s-maxage=60, max-age=0'].map(
    (cc): LeakCase => ({
      name: `Set-Cookie on a ${cc} response`,
      by: 'cookie',
      answer: { cacheControl: [cc], body: SHARED },
      stored: true,
      stripped: ['set-cookie'],
      kept: ['content-type'],
    }),
  ),
  {
    name: 'Set-Cookie on a heuristically cacheable response (Last-Modified only)',
    by: 'cookie',
    answer: {
      cacheControl: [],
      body: SHARED,
      fields: { 'last-modified': new Date(Date.now() - 86_400_000).toUTCString() },
    },
    stored: true,
    stripped: ['set-cookie'],
  },
  // Authorization (RFC 9111 §3.5).
  ...['max-age=60', 'max-age=60, proxy-revalidate', 'max-age=60, no-cache="set-cookie"', ''].map(
    (cc): LeakCase => ({
      name: `Authorization, ${cc || 'no Cache-Control'}: not stored`,
      by: 'authorization',
      answer: { cacheControl: cc === '' ? [] : [cc], body: PERSONAL },
      stored: false,
    }),
  ),
  {
    name: 'Authorization, private, s-maxage=60: private wins, not stored',
    by: 'authorization',
    answer: { cacheControl: ['private, s-maxage=60'], body: PERSONAL },
    stored: false,
  },
  {
    name: 'Authorization, degenerate private= with public: not stored',
    by: 'authorization',
    answer: { cacheControl: ['public, max-age=60, private='], body: PERSONAL },
    stored: false,
  },
  ...['public, max-age=60', 's-maxage=60', 'max-age=60, must-revalidate'].map(
    (cc): LeakCase => ({
      name: `Authorization, ${cc}, on a page that is the same for every user: stored`,
      by: 'authorization',
      answer: { cacheControl: [cc], body: SHARED },
      stored: true,
      stripped: ['set-cookie'],
    }),
  ),
  ...['public, max-age=60', 's-maxage=60', 'max-age=60, must-revalidate'].map(
    (cc): LeakCase => ({
      name: `Authorization, ${cc}, on a personal page that varies on Authorization: stored per user`,
      by: 'authorization',
      answer: { cacheControl: [cc], vary: 'Authorization', body: PERSONAL },
      stored: true,
      stripped: ['set-cookie'],
    }),
  ),
  {
    name: 'Authorization, CDN-Cache-Control: private over a public Cache-Control: not stored',
    by: 'authorization',
    answer: {
      cacheControl: ['public, max-age=60'],
      fields: { 'cdn-cache-control': 'private, max-age=60' },
      body: PERSONAL,
    },
    stored: false,
  },
];

let origin: TestOrigin;
beforeEach(async () => {
  origin = await startOrigin();
});
afterEach(async () => {
  await origin.close();
});

describe('a shared cache never gives user B anything of user A’s', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    origin.route('/page', personalised(c.answer));
    const storage = new RecordingStorage();
    const cachedFetch = createFetch({ shared: true, storage });
    const url = `${origin.url}/page`;
    try {
      // Alice gets her own answer, cookies included: only the stored copy is stripped.
      const alice = await cachedFetch(url, { headers: credentials('alice', c.by) });
      const aliceSeen = await seen(alice);
      expect(aliceSeen.text).toBe(
        c.answer.body === PERSONAL ? 'account of alice' : 'the public page',
      );
      expect(alice.headers.getSetCookie()).toEqual([
        'session=alice-session; Path=/; HttpOnly',
        'csrf=alice-csrf; Path=/',
      ]);
      expect(cacheStatus(alice)?.stored).toBe(c.stored);

      // What is stored, and what was stripped from it.
      await storage.settled();
      const entries = await storage.entries();
      expect(entries).toHaveLength(c.stored ? 1 : 0);
      for (const entry of entries) {
        const names = entry.headers.map(([name]) => name);
        expect(names).not.toContain('set-cookie');
        for (const field of c.stripped ?? []) expect(names).not.toContain(field);
        for (const field of c.kept ?? []) expect(names).toContain(field);
        expect(JSON.stringify(entry.headers)).not.toMatch(/alice-(session|csrf)/);
      }

      // Bob never sees anything of Alice's: not her body, not her cookies, not her x-user.
      const bob = await cachedFetch(url, { headers: credentials('bob', c.by) });
      const bobSeen = await seen(bob);
      expect(bobSeen.all).not.toContain('alice');
      expect(bobSeen.text).toBe(c.answer.body === PERSONAL ? 'account of bob' : 'the public page');
      const bobFromCache = cacheStatus(bob)?.fromCache === true;
      // A shareable page stored without Vary is shared; a personal one never is.
      expect(bobFromCache).toBe(c.stored && c.answer.body === SHARED);
      if (bobFromCache) {
        expect(bob.headers.getSetCookie()).toEqual([]);
      } else {
        expect(bob.headers.getSetCookie()).toContain('session=bob-session; Path=/; HttpOnly');
      }

      // Alice again: from storage when stored, still without a Set-Cookie of anyone's.
      const again = await cachedFetch(url, { headers: credentials('alice', c.by) });
      const againSeen = await seen(again);
      expect(againSeen.all).not.toContain('bob');
      if (cacheStatus(again)?.fromCache === true) expect(again.headers.getSetCookie()).toEqual([]);
    } finally {
      await cachedFetch.close();
    }
  });
});

describe('revalidation in a shared cache', () => {
  it('a 304 carrying Alice’s Set-Cookie never puts it in the stored response Bob gets', async () => {
    const clock = manualClock();
    origin.route('/revalidated', (req, res) => {
      const user = userOf(req.headers);
      const headers = {
        // The origin's clock is the test's: a real Date would make the freshened entry look old.
        date: new Date(clock()).toUTCString(),
        'cache-control': 'public, max-age=10',
        etag: '"page"',
        'set-cookie': `session=${user}-session; Path=/`,
      };
      if (req.headers['if-none-match'] === '"page"') res.writeHead(304, headers).end();
      else res.writeHead(200, headers).end('the public page');
    });
    const storage = new RecordingStorage({ clock });
    const cachedFetch = createFetch({ shared: true, storage, clock });
    const url = `${origin.url}/revalidated`;
    try {
      await (await cachedFetch(url, { headers: credentials('alice', 'cookie') })).text();
      await storage.settled();
      clock.advance(60);
      // Alice's request revalidates; the origin's 304 sets her cookie.
      const alice = await cachedFetch(url, { headers: credentials('alice', 'cookie') });
      expect(await alice.text()).toBe('the public page');
      expect(cacheStatus(alice)?.revalidated).toBe(true);
      for (const entry of await storage.entries()) {
        expect(entry.headers.map(([name]) => name)).not.toContain('set-cookie');
      }
      // Bob, while the freshened response is fresh: a hit, with no cookie of Alice's.
      const bob = await cachedFetch(url, { headers: credentials('bob', 'cookie') });
      expect(cacheStatus(bob)?.fromCache).toBe(true);
      expect((await seen(bob)).all).not.toContain('alice');
      expect(bob.headers.getSetCookie()).toEqual([]);
      expect(origin.count('/revalidated')).toBe(2);
    } finally {
      await cachedFetch.close();
    }
  });

  // Regression test: in a shared cache, the user whose own request revalidated once lost the
  // Set-Cookie of her 304 (the stored copy never has it; her response now does).
  it('the user whose request revalidated gets the Set-Cookie of her own 304', async () => {
    const clock = manualClock();
    origin.route('/own-cookie', (req, res) => {
      const user = userOf(req.headers);
      const headers = {
        date: new Date(clock()).toUTCString(),
        'cache-control': 'public, max-age=10',
        etag: '"page"',
        'set-cookie': `session=${user}-session; Path=/`,
      };
      if (req.headers['if-none-match'] === '"page"') res.writeHead(304, headers).end();
      else res.writeHead(200, headers).end('the public page');
    });
    const storage = new RecordingStorage({ clock });
    const cachedFetch = createFetch({ shared: true, storage, clock });
    const url = `${origin.url}/own-cookie`;
    try {
      await (await cachedFetch(url, { headers: credentials('bob', 'cookie') })).text();
      await storage.settled();
      clock.advance(60);
      const alice = await cachedFetch(url, { headers: credentials('alice', 'cookie') });
      expect(await alice.text()).toBe('the public page');
      expect(cacheStatus(alice)?.revalidated).toBe(true);
      expect(alice.headers.getSetCookie()).toEqual(['session=alice-session; Path=/']);
    } finally {
      await cachedFetch.close();
    }
  });

  it('a response that turns private on revalidation is no longer served to anyone', async () => {
    const clock = manualClock();
    let privateNow = false;
    origin.route('/turns-private', (req, res) => {
      const user = userOf(req.headers);
      res
        .writeHead(200, {
          date: new Date(clock()).toUTCString(),
          'cache-control': privateNow ? 'private, max-age=60' : 'public, max-age=10',
          'set-cookie': `session=${user}-session`,
        })
        .end(privateNow ? `account of ${user}` : 'the public page');
    });
    const storage = new RecordingStorage({ clock });
    const cachedFetch = createFetch({ shared: true, storage, clock });
    const url = `${origin.url}/turns-private`;
    try {
      await (await cachedFetch(url, { headers: credentials('alice', 'cookie') })).text();
      await storage.settled();
      clock.advance(60);
      privateNow = true;
      const alice = await cachedFetch(url, { headers: credentials('alice', 'cookie') });
      expect(await alice.text()).toBe('account of alice');
      await storage.settled();
      const bob = await cachedFetch(url, { headers: credentials('bob', 'cookie') });
      expect((await seen(bob)).all).not.toContain('alice');
      expect(origin.count('/turns-private')).toBe(3);
    } finally {
      await cachedFetch.close();
    }
  });
});

describe('concurrent requests in a shared cache', () => {
  /** An origin whose answer waits until the test releases it, so that requests overlap. */
  function heldRoute(answer: Answer) {
    let release: (() => void) | undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const respond = personalised(answer);
    const route = async (req: ReceivedRequest, res: ServerResponse): Promise<void> => {
      await released;
      respond(req, res);
    };
    return { route, release: () => release?.() };
  }

  // Regression test (the CVE-2026-13697 class): a request that waited for another user's origin
  // response once got that response's own fields (Set-Cookie, fields named by qualified private
  // or no-cache); it now gets the stored fields, as a hit would.
  it.each([
    [
      'Set-Cookie on a public, max-age=60 response',
      { cacheControl: ['public, max-age=60'], body: SHARED },
    ],
    [
      'private="x-user" on a max-age=60 response',
      { cacheControl: ['max-age=60, private="x-user"'], body: SHARED, xUser: true },
    ],
    [
      'no-cache="set-cookie" on a max-age=60 response',
      { cacheControl: ['max-age=60, no-cache="set-cookie"'], body: SHARED },
    ],
  ] satisfies [string, Answer][])(
    '%s: a request that waits for another user’s gets none of that user’s fields',
    async (_name, answer) => {
      const held = heldRoute(answer);
      origin.route('/concurrent', held.route);
      const storage = new RecordingStorage();
      const cachedFetch = createFetch({ shared: true, storage });
      const url = `${origin.url}/concurrent`;
      try {
        const alice = cachedFetch(url, { headers: credentials('alice', 'cookie') });
        // Alice's request reaches the origin.
        await until(() => origin.count('/concurrent') === 1);
        const bob = cachedFetch(url, { headers: credentials('bob', 'cookie') });
        await settle(10);
        held.release();
        const [aliceResponse, bobResponse] = await Promise.all([alice, bob]);
        expect((await seen(aliceResponse)).text).toBe('the public page');
        const bobSeen = await seen(bobResponse);
        expect(bobSeen.text).toBe('the public page');
        // Whether Bob waited for Alice's request or made his own, nothing of hers reaches him.
        expect(bobSeen.all).not.toContain('alice');
        if (cacheStatus(bobResponse)?.collapsed === true) {
          expect(bobResponse.headers.getSetCookie()).toEqual([]);
        }
      } finally {
        held.release();
        await cachedFetch.close();
      }
    },
  );
});
