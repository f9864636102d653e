/**
 * Language negotiation under `Vary: Accept-Language` through every door, against a real origin
 * that negotiates as most server frameworks do: the highest quality value wins, and among equal
 * ones the first listed. By default (`'weighted'`) requests that differ in case, whitespace or
 * the spelling of their quality values share a stored response, and requests that list equally
 * weighted languages in another order do not (RFC 9110 §12.5.4). `'unordered'` and `'language'`
 * are the operator's choices for origins known to negotiate otherwise or by language alone.
 */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../helpers/origin.ts';
import type { DoorOptions } from './doors.ts';
import { type DoorContext, describeEachDoor } from './each-door.ts';
import { conformanceClock } from './origin.ts';

/** The languages the origin has, in its own order of preference. */
const AVAILABLE = ['de', 'fr', 'en'];

/** The origin's choice for an `Accept-Language`: by weight, then by order; `de` by default. */
function negotiate(acceptLanguage: string | undefined): string {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((member, index) => {
      const [range = '', ...params] = member.split(';').map((part) => part.trim().toLowerCase());
      const q = params.find((param) => param.startsWith('q='));
      return { range, weight: q === undefined ? 1 : Number(q.slice(2)), index };
    })
    .filter((m) => AVAILABLE.includes(m.range) && m.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked[0]?.range ?? 'de';
}

let paths = 0;

/** A fresh path whose answer depends on Accept-Language, as `Vary` says. */
function negotiatingRoute({ origin }: DoorContext): string {
  const path = `/languages/${++paths}`;
  origin.route(path, (req: ReceivedRequest, res: ServerResponse) => {
    const language = negotiate(req.headers['accept-language']);
    res.writeHead(200, {
      date: new Date(conformanceClock.now).toUTCString(),
      'cache-control': 'max-age=600',
      vary: 'Accept-Language',
      'content-language': language,
      'content-type': 'text/plain',
    });
    res.end(`in ${language}`);
  });
  return path;
}

/** Asks for `path` with each `Accept-Language` in turn: the languages received. */
async function languages(context: DoorContext, path: string, asks: string[]): Promise<string[]> {
  const { origin, client } = context;
  const received: string[] = [];
  for (const acceptLanguage of asks) {
    const response = await client.fetch(`${origin.url}${path}`, {
      headers: { 'accept-language': acceptLanguage },
    });
    received.push(await response.text());
    await client.idle();
  }
  expect(client.errors).toEqual([]);
  return received;
}

/** `[title, the Accept-Language of each request, the languages answered, origin requests]`. */
type Case = readonly [title: string, asks: string[], answers: string[], originRequests: number];

function defineCases(options: DoorOptions, cases: readonly Case[]): void {
  describeEachDoor((_shared, context) => {
    it.each(cases)('%s', async (_title, asks, answers, originRequests) => {
      const path = negotiatingRoute(context());
      expect(await languages(context(), path, asks)).toEqual(answers);
      expect(context().origin.count(path)).toBe(originRequests);
    });
  }, options);
}

describe("default ('weighted'): case, whitespace and the spelling of weights aside", () => {
  defineCases({}, [
    ['case and whitespace', ['en, de', ' EN ,De'], ['in en', 'in en'], 1],
    ['q spelt differently', ['de, fr;q=0.5', 'fr;q=0.50, de;q=1'], ['in de', 'in de'], 1],
    ['equal weights in another order', ['en, de', 'de, en'], ['in en', 'in de'], 2],
    ['another first choice', ['en, de', 'fr;q=0.5, de;q=1.0'], ['in en', 'in de'], 2],
  ]);
});

describe("'unordered': members of equal weight in any order", () => {
  defineCases({ varyNormalizers: { 'Accept-Language': 'unordered' } }, [
    ['equal weights in another order', ['de, fr', 'fr, de'], ['in de', 'in de'], 1],
    ['another weight', ['de, fr', 'fr, de;q=0.9'], ['in de', 'in fr'], 2],
  ]);
});

describe("'language': the stored Content-Language answers the requests whose first choice it is", () => {
  defineCases({ varyNormalizers: { 'accept-language': 'language' } }, [
    ['a single first choice', ['ja, de', 'fr;q=0.5, de;q=1.0'], ['in de', 'in de'], 1],
    ['another first choice', ['ja, de', 'fr, de;q=0.5'], ['in de', 'in fr'], 2],
    ['a tie is no single choice', ['ja, de', 'de, fr'], ['in de', 'in de'], 2],
  ]);
});
