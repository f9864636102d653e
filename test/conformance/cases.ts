/**
 * HTTP caching conformance cases, ported AS DATA from the public "cache-tests" suite
 * (https://github.com/http-tests/cache-tests, results at https://cache-tests.fyi), files tests/*.mjs
 * at the newest stored commits (mostly bb49f1de4fa6502ab3bd61bb0ec35b431e77a92f; cc-freshness
 * 3d88077c0cb3f72384a3852b64b70f50fa5c7ec9; conditional-etag 4dc524b42a59c73c2d1edf1bd69717c47def81dd).
 * Generator functions and templates have been expanded into literal data; ids, requests and
 * expectations are unchanged. Values that upstream computes (httpContent(), fixed dates) are
 * inlined. tests/lib/templates.mjs at HEAD was not available and was reconstructed from its use
 * (fresh = Cache-Control: max-age=100000 + Date, setup, pause_after; arrays concatenated).
 * 366 cases: 162 required, 104 optimal, 100 check.
 * No harness code was copied; the harness in conformance.test.ts is our own.
 *
 * Upstream licence (BSD-3-Clause), reproduced as its terms require:
 *
 * BSD 3-Clause License
 *
 * Copyright (c) 2018, Mark Nottingham
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * * Redistributions of source code must retain the above copyright notice, this
 *   list of conditions and the following disclaimer.
 *
 * * Redistributions in binary form must reproduce the above copyright notice,
 *   this list of conditions and the following disclaimer in the documentation
 *   and/or other materials provided with the distribution.
 *
 * * Neither the name of the copyright holder nor the names of its
 *   contributors may be used to endorse or promote products derived from
 *   this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 * AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** A header; a number value is a date offset in seconds from the origin's "now" (Date, Expires, Last-Modified, If-Modified-Since, If-Unmodified-Since). The optional third member `false` means "do not check this header on the client". */
export type HeaderSpec =
  | readonly [name: string, value: string | number]
  | readonly [name: string, value: string | number, check: boolean];

/** An expected response header: presence (name), exact value, or a comparison (`['Age', '>', 2]`, `['A', '=', 'B']`). */
export type ExpectedHeader =
  | string
  | readonly [name: string, value: string | number]
  | readonly [name: string, op: '>' | '=', operand: string | number];

export type ExpectedType = 'cached' | 'not_cached' | 'etag_validated' | 'lm_validated';

export type SetupTest =
  | 'expected_type'
  | 'expected_status'
  | 'expected_response_headers'
  | 'expected_response_text'
  | 'expected_request_headers';

export interface RequestCase {
  readonly request_method?: string;
  readonly request_headers?: readonly HeaderSpec[];
  readonly request_body?: string;
  readonly query_arg?: string;
  readonly filename?: string;
  readonly mode?: string;
  readonly credentials?: string;
  readonly cache?: RequestCache;
  readonly redirect?: RequestRedirect;
  readonly pause_after?: boolean;
  readonly disconnect?: boolean;
  readonly magic_locations?: boolean;
  readonly magic_ims?: boolean;
  readonly rfc850date?: readonly string[];
  readonly response_status?: readonly [status: number, phrase: string];
  readonly response_headers?: readonly HeaderSpec[];
  readonly response_body?: string | null;
  readonly response_pause?: number;
  readonly interim_responses?: readonly (
    | readonly [number]
    | readonly [number, readonly (readonly [string, string])[]]
  )[];
  readonly expected_interim_responses?: readonly (
    | readonly [number]
    | readonly [number, readonly (readonly [string, string])[]]
  )[];
  readonly check_body?: boolean;
  readonly expected_type?: ExpectedType;
  readonly expected_method?: string;
  readonly expected_status?: number | null;
  readonly expected_request_headers?: readonly (string | readonly [string, string])[];
  readonly expected_request_headers_missing?: readonly (string | readonly [string, string])[];
  readonly expected_response_headers?: readonly ExpectedHeader[];
  readonly expected_response_headers_missing?: readonly (string | readonly [string, string])[];
  readonly expected_response_text?: string | null;
  readonly setup?: boolean;
  readonly setup_tests?: readonly SetupTest[];
}

export interface ConformanceCase {
  /** The upstream test id, unchanged. */
  readonly id: string;
  readonly name: string;
  /** Absent means 'required'. */
  readonly kind?: 'required' | 'optimal' | 'check';
  /** Only for private (browser) caches. */
  readonly browser_only?: boolean;
  /** Not for private (browser) caches. */
  readonly browser_skip?: boolean;
  /** Only for CDNs / shared caches (never run on browsers). */
  readonly cdn_only?: boolean;
  readonly depends_on?: readonly string[];
  readonly requests: readonly RequestCase[];
}

export interface ConformanceSuite {
  /** The upstream suite id. */
  readonly id: string;
  readonly name: string;
  readonly tests: readonly ConformanceCase[];
}

export const suites: readonly ConformanceSuite[] = [
  {
    id: 'cc-freshness',
    name: 'Cache-Control Freshness',
    tests: [
      {
        id: 'freshness-none',
        name: 'Does HTTP cache avoid reusing a response without explict freshness information or a validator?',
        kind: 'check',
        requests: [
          {
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: max-age`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-stale',
        name: 'HTTP cache must not reuse a response with `Cache-Control: max-age` after it becomes stale',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-0',
        name: 'HTTP cache must not reuse a response with `Cache-Control: max-age=0`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=0']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-max-minus-1',
        name: 'An optimal HTTP cache reuses a response with `Cache-Control: max-age: 2147483647`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2147483647']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-max',
        name: 'An optimal HTTP cache reuses a response with `Cache-Control: max-age: 2147483648`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2147483648']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-max-plus-1',
        name: 'An optimal HTTP cache reuses a response with `Cache-Control: max-age: 2147483649`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2147483649']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-max-plus',
        name: 'An optimal HTTP cache reuses a response with `Cache-Control: max-age: 99999999999`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=99999999999']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-age',
        name: 'HTTP cache must not reuse a response when the `Age` header is greater than its `Cache-Control: max-age` freshness lifetime',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-date',
        name: 'Does HTTP cache consider `Date` when applying `Cache-Control: max-age` (i.e., is `apparent_age` used)?',
        kind: 'check',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', -7200],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-expires',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: max-age` and a past `Expires`',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Expires', -7200],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-expires-invalid',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: max-age` and an invalid `Expires`',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Expires', '0', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-0-expires',
        name: 'HTTP cache must not reuse a response with `Cache-Control: max-age=0` and a future `Expires`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Expires', 3600],
              ['Cache-Control', 'max-age=0'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-extension',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: max-age` and a CC extension present',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'foobar, max-age=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-case-insenstive',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: MaX-AgE`',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'MaX-aGe=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-negative',
        name: 'HTTP cache must not reuse a response with negative `Cache-Control: max-age`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=-3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-private',
        name: 'Private HTTP cache must not prefer `Cache-Control: s-maxage` over shorter `Cache-Control: max-age`',
        browser_only: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 's-maxage=3600, max-age=1']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-private-multiple',
        name: 'Private HTTP cache must not prefer `Cache-Control: s-maxage` over shorter `Cache-Control: max-age` (multiple headers)',
        browser_only: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 's-maxage=3600'],
              ['Cache-Control', 'max-age=1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-s-maxage-shared',
        name: 'An optimal shared HTTP cache reuses a response with positive `Cache-Control: s-maxage`',
        browser_skip: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 's-maxage=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-shared-longer',
        name: 'Shared HTTP cache must prefer short `Cache-Control: s-maxage` over a longer `Cache-Control: max-age`',
        browser_skip: true,
        depends_on: ['freshness-s-maxage-shared'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600, s-maxage=1']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-shared-longer-reversed',
        name: 'Shared HTTP cache must prefer short `Cache-Control: s-maxage` over a longer `Cache-Control: max-age` (reversed)',
        browser_skip: true,
        depends_on: ['freshness-s-maxage-shared'],
        requests: [
          {
            response_headers: [['Cache-Control', 's-maxage=1, max-age=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-shared-longer-multiple',
        name: 'Shared HTTP cache must prefer short `Cache-Control: s-maxage` over a longer `Cache-Control: max-age` (multiple headers)',
        browser_skip: true,
        depends_on: ['freshness-s-maxage-shared'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Cache-Control', 's-maxage=1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-shared-shorter',
        name: 'An optimal shared HTTP cache prefers long `Cache-Control: s-maxage` over a shorter `Cache-Control: max-age`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-s-maxage-shared'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1, s-maxage=3600']],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-s-maxage-shared-shorter-expires',
        name: 'An optimal shared HTTP cache prefers long `Cache-Control: s-maxage` over `Cache-Control: max-age=0`, even with a past `Expires`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-s-maxage-shared'],
        requests: [
          {
            response_headers: [
              ['Expires', -10],
              ['Cache-Control', 'max-age=0, s-maxage=3600'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'cc-parse',
    name: 'Cache-Control Parsing',
    tests: [
      {
        id: 'freshness-max-age-two-fresh-stale-sameline',
        name: 'Does HTTP cache reuse a response when first `Cache-Control: max-age` is fresh, but second is stale (same line)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1800, max-age=1', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-two-fresh-stale-sepline',
        name: 'Does HTTP cache reuse a response when first `Cache-Control: max-age` is fresh, but second is stale (separate lines)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1800', false],
              ['Cache-Control', 'max-age=1', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-two-stale-fresh-sameline',
        name: 'Does HTTP cache reuse a response when first `Cache-Control: max-age` is stale, but second is fresh (same line)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1, max-age=1800', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-two-stale-fresh-sepline',
        name: 'Does HTTP cache reuse a response when first `Cache-Control: max-age` is stale, but second is fresh (separate lines)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1', false],
              ['Cache-Control', 'max-age=1800', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-quoted',
        name: 'Does HTTP cache reuse a response with a quoted `Cache-Control: max-age`?',
        kind: 'check',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age="3600"', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-ignore-quoted',
        name: 'HTTP cache must not reuse a response with `max-age` in a quoted string (before the "real" `max-age`)',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'extension="max-age=3600", max-age=1', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-ignore-quoted-rev',
        name: 'HTTP cache mut not reuse a response with `max-age` in a quoted string (after the "real" `max-age`)',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1, extension="max-age=3600"', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-space-before-equals',
        name: 'Does HTTP cache ignore max-age with space before the `=`?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age =3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-space-after-equals',
        name: 'Does HTTP cache ignore max-age with space after the `=`?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age= 3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-leading-zero',
        name: 'An optimal HTTP cache reuses max-age with the value `003600`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=003600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-single-quoted',
        name: 'HTTP cache must not reuse a response with a single-quoted `Cache-Control: max-age`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', "max-age='3600'", false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-decimal-zero',
        name: 'Does HTTP cache reuse max-age with `3600.0` value?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600.0', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-decimal-five',
        name: 'Does HTTP cache reuse max-age with `3600.5` value?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600.5', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-a100',
        name: 'Does HTTP cache reuse a response with an invalid `Cache-Control: max-age` (leading alpha)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=a3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-max-age-100a',
        name: 'Does HTTP cache reuse a response with an invalid `Cache-Control: max-age` (trailing alpha)?',
        kind: 'check',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600a', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'age-parse',
    name: 'Age Parsing',
    tests: [
      {
        id: 'age-parse-nonnumeric',
        name: 'HTTP cache should ignore an `Age` header with a non-numeric value',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', 'abc', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-negative',
        name: 'HTTP cache should ignore an `Age` header with a negative value',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '-7200', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-float',
        name: 'HTTP cache should ignore an `Age` header with a float value',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200.0', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-large-minus-one',
        name: 'HTTP cache should consider a response with a `Age` value of 2147483647 to be stale',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '2147483647', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-large',
        name: 'HTTP cache should consider a response with a `Age` value of 2147483648 to be stale',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '2147483648', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-larger',
        name: 'HTTP cache should consider a response with a `Age` value of 2147483649 to be stale',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '2147483649', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-suffix',
        name: 'HTTP cache should consider a response with a single `Age` header line `old, 0` to be stale',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200, 0', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-prefix',
        name: 'HTTP cache should consider a response with a single `Age` header line `0, old` to be fresh',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '0, 7200', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-suffix-twoline',
        name: 'HTTP cache should use the first line in a response with multiple `Age` header lines: `old`, `0`',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200', false],
              ['Age', '0', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-prefix-twoline',
        name: 'HTTP cache should use the first line in a response with multiple `Age` header lines: `0`, `old`',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '0', false],
              ['Age', '7200', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-dup-0',
        name: 'HTTP cache should consider a response with a single line `Age: 0, 0` to be fresh',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '0, 0', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-dup-0-twoline',
        name: 'HTTP cache should consider a response with two `Age: 0` header lines to be fresh',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '0', false],
              ['Age', '0', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-dup-old',
        name: 'HTTP cache should consider a response with two `Age: not_old` header lines to be fresh',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=10000'],
              ['Age', '3600', false],
              ['Age', '3600', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'age-parse-parameter',
        name: 'Does HTTP cache consider an alphabetic parameter on `Age` header to be valid?',
        kind: 'check',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200;foo=bar', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'age-parse-numeric-parameter',
        name: 'Does HTTP cache should consider a numeric parameter on `Age` header to be valid?',
        kind: 'check',
        depends_on: ['freshness-max-age-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600'],
              ['Age', '7200;foo=111', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
    ],
  },
  {
    id: 'expires',
    name: 'Expires Freshness',
    tests: [
      {
        id: 'freshness-expires-future',
        name: 'An optimal HTTP cache reuses a response with a future `Expires`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Expires', 2592000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-past',
        name: 'HTTP cache must not reuse a response with a past `Expires`',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', -2592000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-present',
        name: 'HTTP cache must not reuse a response with a present `Expires`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Expires', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-old-date',
        name: 'HTTP cache must not reuse a response with an `Expires` older than `Date`, both fast',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 300],
              ['Date', 400],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (0)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', '0', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-date',
        name: 'An optimal HTTP cache reuses a response with `Expires`, even if `Date` is invalid',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Date', 'foo', false],
              ['Expires', 10],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-age-slow-date',
        name: 'HTTP cache must not reuse a response when the `Age` header is greater than its `Expires` minus `Date`, and `Date` is slow',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Date', -10],
              ['Expires', 10],
              ['Age', '25'],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-age-fast-date',
        name: 'HTTP cache must not reuse a response when the `Age` header is greater than its `Expires` minus `Date`, and `Date` is fast',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Date', 10],
              ['Expires', 20],
              ['Age', '15'],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
    ],
  },
  {
    id: 'expires-parse',
    name: 'Expires Parsing',
    tests: [
      {
        id: 'freshness-expires-32bit',
        name: 'An optimal HTTP cache reuses a response with an `Expires` that is exactly 32 bits',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Tue, 19 Jan 2038 14:14:08 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-far-future',
        name: 'An optimal HTTP cache reuses a response with an `Expires` that is far in the future',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Sun, 21 Nov 2286 04:46:39 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-rfc850',
        name: 'An optimal HTTP cache reuses a response with a future `Expires` in obsolete RFC 850 format',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thursday, 18-Aug-50 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-ansi-c',
        name: "An optimal HTTP cache reuses a response with a future `Expires` in ANSI C's asctime() format",
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu Aug  8 02:01:18 2050', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-wrong-case-weekday',
        name: 'An optimal HTTP cache reuses a response with a future `Expires` using wrong case (weekday)',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'THU, 18 Aug 2050 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-wrong-case-month',
        name: 'An optimal HTTP cache reuses a response with a future `Expires` using wrong case (month)',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 AUG 2050 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-wrong-case-tz',
        name: 'An optimal HTTP cache reuses a response with a future `Expires` using wrong case (tz)',
        kind: 'optimal',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 02:01:18 gMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-utc',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (UTC)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 02:01:18 UTC', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-aest',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (other tz)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 02:01:18 AEST', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-2-digit-year',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (two-digit year)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 50 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-no-comma',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (missing comma)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu 18 Aug 2050 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-multiple-spaces',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (multiple spaces)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18  Aug  2050 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-date-dashes',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (date dashes)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18-Aug-2050 02:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-time-periods',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (time periods)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 02.01.18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-1-digit-hour',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (1-digit hour)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 2:01:18 GMT', false],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'freshness-expires-invalid-multiple-lines',
        name: 'HTTP cache must not reuse a response with an invalid `Expires` (multiple lines)',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 'Thu, 18 Aug 2050 2:01:18 GMT', false],
              ['Expires', 'Thu, 18 Aug 2050 2:01:19 GMT', false],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
    ],
  },
  {
    id: 'cc-response',
    name: 'Cache-Control Response Directives',
    tests: [
      {
        id: 'cc-resp-private-shared',
        name: 'Shared HTTP cache must not store a response with `Cache-Control: private`',
        browser_skip: true,
        requests: [
          {
            response_headers: [['Cache-Control', 'private, max-age=3600']],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-private-private',
        name: 'An optimal private HTTP cache reuses a fresh response with `Cache-Control: private`',
        kind: 'optimal',
        browser_only: true,
        requests: [
          {
            response_headers: [['Cache-Control', 'private, max-age=3600']],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-store',
        name: 'HTTP cache must not store a response with `Cache-Control: no-store`',
        requests: [
          {
            response_headers: [['Cache-Control', 'no-store']],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-store-case-insensitive',
        name: 'HTTP cache must not store a response with `Cache-Control: nO-StOrE`',
        depends_on: ['cc-resp-no-store'],
        requests: [
          {
            response_headers: [['Cache-Control', 'No-StOrE']],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-store-fresh',
        name: 'HTTP cache must not store a response with `Cache-Control: no-store`, even with `max-age` and `Expires`',
        depends_on: ['cc-resp-no-store'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, no-store'],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-store-old-new',
        name: 'Does HTTP cache use older stored response when newer one came with `Cache-Control: no-store`?',
        depends_on: ['cc-resp-no-store'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000'],
              ['Expires', 10000],
              ['Date', 0],
              ['A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            response_headers: [
              ['Cache-Control', 'no-store'],
              ['Date', 0],
              ['A', '2'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['a', '1']],
          },
        ],
      },
      {
        id: 'cc-resp-no-store-old-max-age',
        name: 'Does HTTP cache use older stored response when newer one came with `Cache-Control: no-store, max-age=0`?',
        depends_on: ['cc-resp-no-store'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000'],
              ['Expires', 10000],
              ['Date', 0],
              ['A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            response_headers: [
              ['Cache-Control', 'no-store, max-age=0'],
              ['Date', 0],
              ['A', '2'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['a', '1']],
          },
        ],
      },
      {
        id: 'cc-resp-no-cache',
        name: 'HTTP cache must not use a cached response with `Cache-Control: no-cache`, even with `max-age` and `Expires`',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, no-cache'],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-cache-case-insensitive',
        name: 'HTTP cache must not use a cached response with `Cache-Control: No-CaChE`, even with `max-age` and `Expires`',
        depends_on: ['cc-resp-no-cache'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, No-CaChE'],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cc-resp-no-cache-revalidate',
        name: 'An optimal HTTP cache stores a response with `Cache-Control: no-cache`, but revalidates it upon use',
        kind: 'optimal',
        depends_on: ['cc-resp-no-cache'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'no-cache'],
              ['ETag', '"abcd"'],
            ],
            setup: true,
          },
          {
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'cc-resp-no-cache-revalidate-fresh',
        name: 'An optimal HTTP cache stores a response with `Cache-Control: no-cache`, but revalidates it upon use, even with `max-age` and `Expires`',
        kind: 'optimal',
        depends_on: ['cc-resp-no-cache'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, no-cache'],
              ['Expires', 10000],
              ['Date', 0],
              ['ETag', '"abcd"'],
            ],
            setup: true,
          },
          {
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'headers-omit-headers-listed-in-Cache-Control-no-cache-single',
        name: 'Does `Cache-Control: no-cache` inhibit storing a listed header?',
        kind: 'check',
        depends_on: ['cc-resp-no-cache-revalidate'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'no-cache="a"'],
              ['a', '1'],
              ['b', '2'],
              ['Cache-Control', 'max-age=3600'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['b', '2']],
            expected_response_headers_missing: ['a'],
            setup_tests: ['expected_type'],
          },
        ],
      },
      {
        id: 'headers-omit-headers-listed-in-Cache-Control-no-cache',
        name: 'Does `Cache-Control: no-cache` inhibit storing multiple listed headers?',
        kind: 'check',
        depends_on: ['cc-resp-no-cache-revalidate'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'no-cache="a, b"'],
              ['a', '1'],
              ['b', '2'],
              ['c', '3'],
              ['Cache-Control', 'max-age=3600'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['c', '3']],
            expected_response_headers_missing: ['a', 'b'],
            setup_tests: ['expected_type'],
          },
        ],
      },
      {
        id: 'cc-resp-must-revalidate-fresh',
        name: 'An optimal HTTP cache reuses a response with positive `Cache-Control: max-age, must-revalidate`',
        kind: 'optimal',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, must-revalidate'],
              ['ETag', '"abcd"'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cc-resp-must-revalidate-stale',
        name: 'HTTP cache must revalidate a stale response with positive `Cache-Control: max-age, must-revalidate`',
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2, must-revalidate'],
              ['ETag', '"abcd"'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
            setup: true,
            pause_after: true,
            response_headers: [
              ['Cache-Control', 'max-age=2, must-revalidate'],
              ['ETag', '"abcd"'],
            ],
          },
          {
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'cc-resp-immutable-fresh',
        name: 'An optimal HTTP cache reuses a fresh response with `Cache-Control: immutable` without revalidation.',
        kind: 'optimal',
        browser_only: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000, immutable'],
              ['ETag', '"abcd"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            cache: 'no-cache',
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cc-resp-immutable-stale',
        name: 'A HTTP cache MUST revalidate a stale response with `Cache-Control: immutable`',
        browser_only: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2, immutable'],
              ['ETag', '"abcd"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            cache: 'no-cache',
            expected_type: 'etag_validated',
            expected_request_headers: [['cache-control', 'max-age=0']],
          },
        ],
      },
    ],
  },
  {
    id: 'stale',
    name: 'Serving Stale',
    tests: [
      {
        id: 'stale-close',
        name: 'Does HTTP cache serve stale stored response when server closes the connection?',
        kind: 'check',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'stale-503',
        name: 'Does HTTP cache serve stale stored response when server sends a `503 Service Unavailable`?',
        kind: 'check',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            response_status: [503, 'Service Unavailable'],
            expected_status: 200,
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'stale-while-revalidate',
        name: 'An optimal cache serves stale stored response with `Cache-Control: stale-while-revalidate`',
        kind: 'optimal',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            setup: true,
            pause_after: true,
            response_headers: [
              ['Cache-Control', 'max-age=1, stale-while-revalidate=3600'],
              ['ETag', '"abc"'],
            ],
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'stale-while-revalidate-window',
        name: 'HTTP cache must not serve stale stored response after the `stale-while-revalidate` window',
        depends_on: ['stale-while-revalidate'],
        requests: [
          {
            setup: true,
            pause_after: true,
            response_headers: [
              ['Cache-Control', 'max-age=1, stale-while-revalidate=4'],
              ['ETag', '"abc"'],
            ],
          },
          {
            setup: true,
            pause_after: true,
            response_headers: [
              ['Cache-Control', 'no-cache', false],
              ['ETag', '"def"', false],
            ],
            expected_type: 'cached',
          },
          {
            expected_response_headers: [['client-request-count', '3']],
          },
        ],
      },
      {
        id: 'stale-sie-close',
        name: 'Does HTTP cache serve stale stored response when server sends `Cache-Control: stale-if-error` and subsequently closes the connection?',
        kind: 'check',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, stale-if-error=60']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'stale-sie-503',
        name: 'Does HTTP cache serve stale stored response when server sends `Cache-Control: stale-if-error` and subsequently a `503 Service Unavailable`?',
        kind: 'check',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, stale-if-error=60']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'stale-close-must-revalidate',
        name: 'HTTP cache must not serve stale stored response when prohibited by `Cache-Control: must-revalidate`',
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, must-revalidate']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_status: null,
            check_body: false,
            expected_response_headers_missing: ['server-request-count'],
          },
        ],
      },
      {
        id: 'stale-close-proxy-revalidate',
        name: 'Shared HTTP cache must not serve stale stored response when prohibited by `Cache-Control: proxy-revalidate`',
        browser_skip: true,
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, proxy-revalidate']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_status: null,
            check_body: false,
            expected_response_headers_missing: ['server-request-count'],
          },
        ],
      },
      {
        id: 'stale-close-no-cache',
        name: 'HTTP cache must not serve stale stored response when prohibited by `Cache-Control: no-cache`',
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, no-cache']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_status: null,
            check_body: false,
            expected_response_headers_missing: ['server-request-count'],
          },
        ],
      },
      {
        id: 'stale-close-s-maxage=2',
        name: 'Shared HTTP cache must not serve stale stored response when prohibited by `Cache-Control: s-maxage`',
        browser_skip: true,
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=2, s-maxage=2']],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_status: null,
            check_body: false,
            expected_response_headers_missing: ['server-request-count'],
          },
        ],
      },
      {
        id: 'stale-warning-stored',
        name: 'Does HTTP cache generate a `Warning` header when using a response that was stored already stale?',
        kind: 'check',
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_type: 'cached',
            expected_response_headers: ['warning'],
            setup_tests: ['expected_type'],
          },
        ],
      },
      {
        id: 'stale-warning-become',
        name: 'Does HTTP cache generate a `Warning` header when using a stored response that became stale?',
        kind: 'check',
        depends_on: ['stale-close'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            disconnect: true,
            expected_type: 'cached',
            expected_response_headers: ['warning'],
            setup_tests: ['expected_type'],
          },
        ],
      },
    ],
  },
  {
    id: 'heuristic',
    name: 'Heuristic Freshness',
    tests: [
      {
        id: 'heuristic-200-cached',
        name: 'An optimal HTTP cache should reuse a `200 OK` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [200, 'OK'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [200, 'OK'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-201-not_cached',
        name: 'HTTP cache must not reuse a `201 Created` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [201, 'Created'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [201, 'Created'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-202-not_cached',
        name: 'HTTP cache must not reuse a `202 Accepted` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [202, 'Accepted'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [202, 'Accepted'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-203-cached',
        name: 'An optimal HTTP cache should reuse a `203 Non-Authoritative Information` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [203, 'Non-Authoritative Information'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [203, 'Non-Authoritative Information'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-204-cached',
        name: 'An optimal HTTP cache should reuse a `204 No Content` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [204, 'No Content'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: null,
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [204, 'No Content'],
            response_body: null,
          },
        ],
      },
      {
        id: 'heuristic-403-not_cached',
        name: 'HTTP cache must not reuse a `403 Forbidden` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [403, 'Forbidden'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [403, 'Forbidden'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-404-cached',
        name: 'An optimal HTTP cache should reuse a `404 Not Found` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [404, 'Not Found'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [404, 'Not Found'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-405-cached',
        name: 'An optimal HTTP cache should reuse a `405 Method Not Allowed` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [405, 'Method Not Allowed'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [405, 'Method Not Allowed'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-410-cached',
        name: 'An optimal HTTP cache should reuse a `410 Gone` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [410, 'Gone'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [410, 'Gone'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-414-cached',
        name: 'An optimal HTTP cache should reuse a `414 URI Too Long` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [414, 'URI Too Long'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [414, 'URI Too Long'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-501-cached',
        name: 'An optimal HTTP cache should reuse a `501 Not Implemented` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'optimal',
        requests: [
          {
            response_status: [501, 'Not Implemented'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [501, 'Not Implemented'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-502-not_cached',
        name: 'HTTP cache must not reuse a `502 Bad Gateway` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [502, 'Bad Gateway'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [502, 'Bad Gateway'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-503-not_cached',
        name: 'HTTP cache must not reuse a `503 Service Unavailable` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [503, 'Service Unavailable'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [503, 'Service Unavailable'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-504-not_cached',
        name: 'HTTP cache must not reuse a `504 Gateway Timeout` response with `Last-Modified` based upon heuristic freshness ',
        kind: 'required',
        requests: [
          {
            response_status: [504, 'Gateway Timeout'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [504, 'Gateway Timeout'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-599-not_cached',
        name: 'HTTP cache must not reuse a `599 Unknown` response with `Last-Modified` based upon heuristic freshness when `Cache-Control: public` is not present',
        kind: 'required',
        requests: [
          {
            response_status: [599, 'Unknown'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'not_cached',
            response_status: [599, 'Unknown'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-599-cached',
        name: 'An optimal HTTP cache should reuse a `599 Unknown` response with `Last-Modified` based upon heuristic freshness when `Cache-Control: public` is present',
        kind: 'optimal',
        requests: [
          {
            response_status: [599, 'Unknown'],
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
              ['Cache-Control', 'public'],
            ],
            response_body: 'aaaaaaaaaaaaaaa',
            setup: true,
          },
          {
            expected_type: 'cached',
            response_status: [599, 'Unknown'],
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'heuristic-delta-5',
        name: 'Does HTTP cache consider a `Last-Modified` 5 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -5],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-10',
        name: 'Does HTTP cache consider a `Last-Modified` 10 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -10],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-30',
        name: 'Does HTTP cache consider a `Last-Modified` 30 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -30],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-60',
        name: 'Does HTTP cache consider a `Last-Modified` 60 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -60],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-300',
        name: 'Does HTTP cache consider a `Last-Modified` 300 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -300],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-600',
        name: 'Does HTTP cache consider a `Last-Modified` 600 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -600],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-1200',
        name: 'Does HTTP cache consider a `Last-Modified` 1200 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -1200],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-1800',
        name: 'Does HTTP cache consider a `Last-Modified` 1800 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -1800],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-3600',
        name: 'Does HTTP cache consider a `Last-Modified` 3600 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -3600],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-43200',
        name: 'Does HTTP cache consider a `Last-Modified` 43200 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -43200],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'heuristic-delta-86400',
        name: 'Does HTTP cache consider a `Last-Modified` 86400 seconds ago heuristically fresh?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -86400],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'method',
    name: 'Method-related Caching Requirements',
    tests: [
      {
        id: 'method-POST',
        name: 'An optimal HTTP cache reuses a stored `POST` response (that has `Content-Location` with the same URL and explicit freshness) for subsequent `GET` requests',
        kind: 'optimal',
        requests: [
          {
            request_method: 'POST',
            request_body: '12345',
            request_headers: [['Content-Type', 'text/plain']],
            response_headers: [
              ['Expires', 2592000],
              ['Content-Location', ''],
              ['Date', 0],
            ],
            magic_locations: true,
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'status',
    name: 'Status Code Cacheability',
    tests: [
      {
        id: 'status-200-fresh',
        name: 'An optimal HTTP cache reuses a fresh `200` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [200, 'OK'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [200, 'OK'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-200-stale',
        name: 'HTTP cache must not reuse a stale `200` response with explicit freshness',
        depends_on: ['status-200-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [200, 'OK'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-203-fresh',
        name: 'An optimal HTTP cache reuses a fresh `203` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [203, 'Non-Authoritative Information'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [203, 'Non-Authoritative Information'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-203-stale',
        name: 'HTTP cache must not reuse a stale `203` response with explicit freshness',
        depends_on: ['status-203-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [203, 'Non-Authoritative Information'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-204-fresh',
        name: 'An optimal HTTP cache reuses a fresh `204` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [204, 'No Content'],
            response_body: null,
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [204, 'No Content'],
            redirect: 'manual',
            response_body: null,
          },
        ],
      },
      {
        id: 'status-204-stale',
        name: 'HTTP cache must not reuse a stale `204` response with explicit freshness',
        depends_on: ['status-204-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [204, 'No Content'],
            response_body: null,
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: null,
          },
        ],
      },
      {
        id: 'status-299-fresh',
        name: 'An optimal HTTP cache reuses a fresh `299` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [299, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [299, 'Whatever'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-299-stale',
        name: 'HTTP cache must not reuse a stale `299` response with explicit freshness',
        depends_on: ['status-299-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [299, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-301-fresh',
        name: 'An optimal HTTP cache reuses a fresh `301` response with explict freshness',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [301, 'Moved Permanently'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [301, 'Moved Permanently'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-301-stale',
        name: 'HTTP cache must not reuse a stale `301` response with explicit freshness',
        browser_skip: true,
        depends_on: ['status-301-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [301, 'Moved Permanently'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-302-fresh',
        name: 'An optimal HTTP cache reuses a fresh `302` response with explict freshness',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [302, 'Found'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [302, 'Found'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-302-stale',
        name: 'HTTP cache must not reuse a stale `302` response with explicit freshness',
        browser_skip: true,
        depends_on: ['status-302-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [302, 'Found'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-303-fresh',
        name: 'An optimal HTTP cache reuses a fresh `303` response with explict freshness',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [303, 'See Other'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [303, 'See Other'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-303-stale',
        name: 'HTTP cache must not reuse a stale `303` response with explicit freshness',
        browser_skip: true,
        depends_on: ['status-303-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [303, 'See Other'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-307-fresh',
        name: 'An optimal HTTP cache reuses a fresh `307` response with explict freshness',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [307, 'Temporary Redirect'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [307, 'Temporary Redirect'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-307-stale',
        name: 'HTTP cache must not reuse a stale `307` response with explicit freshness',
        browser_skip: true,
        depends_on: ['status-307-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [307, 'Temporary Redirect'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-308-fresh',
        name: 'An optimal HTTP cache reuses a fresh `308` response with explict freshness',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [308, 'Permanent Redirect'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [308, 'Permanent Redirect'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-308-stale',
        name: 'HTTP cache must not reuse a stale `308` response with explicit freshness',
        browser_skip: true,
        depends_on: ['status-308-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [308, 'Permanent Redirect'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-400-fresh',
        name: 'An optimal HTTP cache reuses a fresh `400` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [400, 'Bad Request'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [400, 'Bad Request'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-400-stale',
        name: 'HTTP cache must not reuse a stale `400` response with explicit freshness',
        depends_on: ['status-400-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [400, 'Bad Request'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-404-fresh',
        name: 'An optimal HTTP cache reuses a fresh `404` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [404, 'Not Found'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [404, 'Not Found'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-404-stale',
        name: 'HTTP cache must not reuse a stale `404` response with explicit freshness',
        depends_on: ['status-404-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [404, 'Not Found'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-410-fresh',
        name: 'An optimal HTTP cache reuses a fresh `410` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [410, 'Gone'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [410, 'Gone'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-410-stale',
        name: 'HTTP cache must not reuse a stale `410` response with explicit freshness',
        depends_on: ['status-410-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [410, 'Gone'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-499-fresh',
        name: 'An optimal HTTP cache reuses a fresh `499` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [499, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [499, 'Whatever'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-499-stale',
        name: 'HTTP cache must not reuse a stale `499` response with explicit freshness',
        depends_on: ['status-499-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [499, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-500-fresh',
        name: 'An optimal HTTP cache reuses a fresh `500` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [500, 'Internal Server Error'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [500, 'Internal Server Error'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-500-stale',
        name: 'HTTP cache must not reuse a stale `500` response with explicit freshness',
        depends_on: ['status-500-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [500, 'Internal Server Error'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-502-fresh',
        name: 'An optimal HTTP cache reuses a fresh `502` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [502, 'Bad Gateway'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [502, 'Bad Gateway'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-502-stale',
        name: 'HTTP cache must not reuse a stale `502` response with explicit freshness',
        depends_on: ['status-502-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [502, 'Bad Gateway'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-503-fresh',
        name: 'An optimal HTTP cache reuses a fresh `503` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [503, 'Service Unavailable'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [503, 'Service Unavailable'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-503-stale',
        name: 'HTTP cache must not reuse a stale `503` response with explicit freshness',
        depends_on: ['status-503-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [503, 'Service Unavailable'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-504-fresh',
        name: 'An optimal HTTP cache reuses a fresh `504` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [504, 'Gateway Timeout'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [504, 'Gateway Timeout'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-504-stale',
        name: 'HTTP cache must not reuse a stale `504` response with explicit freshness',
        depends_on: ['status-504-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [504, 'Gateway Timeout'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-599-fresh',
        name: 'An optimal HTTP cache reuses a fresh `599` response with explict freshness',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [599, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'cached',
            response_status: [599, 'Whatever'],
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-599-stale',
        name: 'HTTP cache must not reuse a stale `599` response with explicit freshness',
        depends_on: ['status-599-fresh'],
        requests: [
          {
            response_headers: [
              ['Expires', -5000],
              ['Last-Modified', -100000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            response_status: [599, 'Whatever'],
            response_body: 'aaaaaaaaaaaaaaa',
            redirect: 'manual',
          },
          {
            expected_type: 'not_cached',
            redirect: 'manual',
            response_body: 'aaaaaaaaaaaaaaa',
          },
        ],
      },
      {
        id: 'status-599-must-understand',
        name: 'HTTP cache must not reuse a fresh response with an unrecognised status code and `Cache-Control: no-store, must-understand`',
        depends_on: ['status-599-fresh'],
        requests: [
          {
            response_status: [599, 'Whatever'],
            response_headers: [['Cache-Control', 'max-age=3600, no-store, must-understand']],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'status-200-must-understand',
        name: 'An optimal HTTP cache reuses a fresh response with a recognised status code and `Cache-Control: no-store, must-understand`',
        kind: 'optimal',
        depends_on: ['status-200-fresh', 'cc-resp-no-store-fresh'],
        requests: [
          {
            response_status: [200, 'OK'],
            response_headers: [['Cache-Control', 'max-age=3600, no-store, must-understand']],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'cc-request',
    name: 'Cache-Control Request Directives',
    tests: [
      {
        id: 'ccreq-ma0',
        name: 'Does HTTP cache honor request `Cache-Control: max-age=0` when it holds a fresh response?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['Cache-Control', 'max-age=0']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-ma1',
        name: 'Does HTTP cache honour request `Cache-Control: max-age=1` when it holds a fresh response?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['Cache-Control', 'max-age=1']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-magreaterage',
        name: 'Does HTTP cache honour request `Cache-Control: max-age` when it holds a fresh but `Age`d response that is not fresh enough?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Age', '1800'],
            ],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'max-age=600']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-max-stale',
        name: 'Does HTTP cache reuse a stale response when request `Cache-Control: max-stale` allows it?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1']],
            pause_after: true,
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'max-stale=1000']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'ccreq-max-stale-age',
        name: 'Does HTTP cache reuse a stale `Age`d response when request `Cache-Control: max-stale` allows it?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1500'],
              ['Age', '2000'],
            ],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'max-stale=1000']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'ccreq-min-fresh',
        name: 'Does HTTP cache honour request `Cache-Control: min-fresh` when the response it holds is not fresh enough?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=1500']],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'min-fresh=2000']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-min-fresh-age',
        name: 'Does HTTP cache honour request `Cache-Control: min-fresh` when the `Age`d response it holds is not fresh enough?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1500'],
              ['Age', '1000'],
            ],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'min-fresh=1000']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-no-cache',
        name: 'Does HTTP cache honour request `Cache-Control: no-cache` when it holds a fresh response?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'no-cache']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-no-cache-lm',
        name: 'Does HTTP cache honour request `Cache-Control: no-cache` by validating a response with `Last-Modified`?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Last-Modified', -10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'no-cache']],
            expected_type: 'lm_validated',
          },
        ],
      },
      {
        id: 'ccreq-no-cache-etag',
        name: 'Does HTTP cache honour request `Cache-Control: no-cache` by validating a response with an `ETag`?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['ETag', 'aiqygowemucksai'],
            ],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'no-cache']],
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'ccreq-no-store',
        name: 'Does HTTP cache honour request `Cache-Control: no-store` when it holds a fresh response?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            setup: true,
          },
          {
            request_headers: [['Cache-Control', 'no-store']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'ccreq-oic',
        name: 'Does HTTP cache honour request `Cache-Control: only-if-cached` by generating a `504` response when it does not have a stored response?',
        kind: 'check',
        requests: [
          {
            request_headers: [['Cache-Control', 'only-if-cached']],
            expected_status: 504,
            expected_response_text: null,
          },
        ],
      },
    ],
  },
  {
    id: 'pragma',
    name: 'Pragma',
    tests: [
      {
        id: 'pragma-request-no-cache',
        name: 'Does HTTP cache use a stored fresh response when request contains `Pragma: no-cache`?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            setup: true,
          },
          {
            request_headers: [['Pragma', 'no-cache']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'pragma-request-extension',
        name: 'Does HTTP cache reuse a stored fresh response when request contains `Pragma: unrecognised-extension`?',
        kind: 'check',
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            setup: true,
          },
          {
            request_headers: [['Pragma', 'unrecognised-extension']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'pragma-response-no-cache',
        name: 'Does HTTP cache reuse a stored and otherwise fresh response when it contains `Pragma: no-cache`?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Pragma', 'no-cache'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'pragma-response-no-cache-heuristic',
        name: 'Does HTTP cache reuse a stored and heuristically fresh response when it contains `Pragma: no-cache`?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Last-Modified', -10000],
              ['Pragma', 'no-cache'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'pragma-response-extension',
        name: 'Does HTTP cache use a stored and otherwise fresh response when it contains `Pragma: unrecognised-extension`?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Pragma', 'unrecognised-extension'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'vary',
    name: 'Vary and Cache Keys',
    tests: [
      {
        id: 'vary-match',
        name: 'An optimal HTTP cache reuses a `Vary` response when the request matches',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Foo', '1']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [['Foo', '1']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-no-match',
        name: "HTTP cache must not reuse `Vary` response when request doesn't match",
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Foo', '1']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [['Foo', '2']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-omit-stored',
        name: 'HTTP cache must not reuse `Vary` response when stored request omits variant request header',
        depends_on: ['vary-match'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [['Foo', '1']],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-omit',
        name: 'HTTP cache must not reuse `Vary` response when presented request omits variant request header',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Foo', '1']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-invalidate',
        name: 'An optimal HTTP cache can store two different variants',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Foo', '1']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
            response_body: 'aaaaaaaaaaaaaaa',
          },
          {
            request_headers: [['Foo', '2']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            expected_type: 'not_cached',
            response_body: 'abcdefghijklmno',
            setup: true,
          },
          {
            request_headers: [['Foo', '1']],
            response_body: 'aaaaaaaaaaaaaaa',
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-cache-key',
        name: 'An optimal HTTP cache should not include headers not listed in `Vary` in the cache key',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Other', '2'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Other', '3'],
            ],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-2-match',
        name: 'An optimal HTTP cache reuses a two-way `Vary` response when request matches',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
            ],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-2-no-match',
        name: "HTTP cache must not reuse two-way `Vary` response when request doesn't match",
        depends_on: ['vary-2-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '2'],
              ['Bar', 'abc'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-2-match-omit',
        name: 'HTTP cache must not reuse two-way `Vary` response when request omits variant request header',
        depends_on: ['vary-2-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar', false],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-3-match',
        name: 'An optimal HTTP cache reuses a three-way `Vary` response when request matches',
        kind: 'optimal',
        depends_on: ['vary-2-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar, Baz', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
              ['Baz', '789'],
            ],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-3-no-match',
        name: "HTTP cache must not reuse three-way `Vary` response when request doesn't match",
        depends_on: ['vary-3-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar, Baz', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '2'],
              ['Bar', 'abc'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-3-order',
        name: "HTTP cache must not reuse three-way `Vary` response when request doesn't match, regardless of header order",
        depends_on: ['vary-3-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Bar', 'abc'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, Bar, Baz', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
              ['Bar', 'abcde'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-3-omit',
        name: 'An optimal HTTP cache reuses a three-way `Vary` response when both request and the original request omited a variant header',
        kind: 'optimal',
        depends_on: ['vary-3-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Date', 0],
              ['Last-Modified', -3000],
              ['Vary', 'Foo, Bar, Baz', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-star',
        name: 'HTTP cache must not reuse `Vary` response with a value of `*`',
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '*'],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-normalise-combine',
        name: 'An optimal HTTP cache normalises unknown selecting headers by combining fields',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Foo', '1, 2']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Foo', '2'],
            ],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-normalise-lang-order',
        name: 'An optimal HTTP cache normalises `Accept-Language` by ignoring language order',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Accept-Language', 'en, de']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Accept-Language'],
            ],
            setup: true,
          },
          {
            request_headers: [['Accept-Language', 'de, en']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-normalise-lang-case',
        name: 'An optimal HTTP cache normalises `Accept-Language` by ignoring language case',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Accept-Language', 'en, de']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Accept-Language'],
            ],
            setup: true,
          },
          {
            request_headers: [['Accept-Language', 'eN, De']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-normalise-lang-space',
        name: 'An optimal HTTP cache normalises `Accept-Language` by ignoring whitespace',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Accept-Language', 'en, de']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Accept-Language'],
            ],
            setup: true,
          },
          {
            request_headers: [['Accept-Language', ' en ,   de']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-normalise-lang-select',
        name: 'An optimal HTTP cache selects `Content-Language` by using the qvalue on `Accept-Language`',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Accept-Language', 'en, de']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Accept-Language'],
              ['Content-Language', 'de'],
            ],
            setup: true,
          },
          {
            request_headers: [['Accept-Language', 'fr;q=0.5, de;q=1.0']],
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'vary-normalise-space',
        name: 'An optimal HTTP cache normalises unknown selecting headers by removing whitespace',
        kind: 'optimal',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [['Foo', '1,2']],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo'],
            ],
            setup: true,
          },
          {
            request_headers: [['Foo', ' 1, 2 ']],
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'vary-parse',
    name: 'Vary Parsing',
    tests: [
      {
        id: 'vary-syntax-star',
        name: 'HTTP cache must not reuse `Vary` response with a value of `*`',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '*', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-star-star',
        name: 'HTTP cache must not reuse `Vary` response with a value of `*, *`',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '*, *', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-star-star-lines',
        name: 'HTTP cache must not reuse `Vary` response with a value of `*, *` on different lines',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '*', false],
              ['Vary', '*', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-empty-star',
        name: 'HTTP cache must not reuse `Vary` response with a value of `, *`',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', ', *', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-empty-star-lines',
        name: 'HTTP cache must not reuse `Vary` response with a value of `, *` on different lines',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '', false],
              ['Vary', '*', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-star-foo',
        name: 'HTTP cache must not reuse `Vary` response with a value of `*, Foo`',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', '*, Foo', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'vary-syntax-foo-star',
        name: 'HTTP cache must not reuse `Vary` response with a value of `Foo, *`',
        depends_on: ['vary-match'],
        requests: [
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=5000'],
              ['Last-Modified', -3000],
              ['Date', 0],
              ['Vary', 'Foo, *', false],
            ],
            setup: true,
          },
          {
            request_headers: [
              ['Foo', '1'],
              ['Baz', '789'],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
    ],
  },
  {
    id: 'conditional-lm',
    name: 'Conditional Requests: If-Modified-Since and Last-Modified',
    tests: [
      {
        id: 'conditional-lm-fresh',
        name: 'An optimal HTTP cache responds to `If-Modified-Since` with a `304` when holding a fresh response with a matching `Last-Modified`.',
        kind: 'optimal',
        browser_skip: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', -3000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-Modified-Since', -3000]],
            magic_ims: true,
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-lm-fresh-earlier',
        name: 'An optimal HTTP cache responds to `If-Modified-Since` with a `304` when holding a fresh response with an earlier `Last-Modified`.',
        kind: 'optimal',
        browser_skip: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', -3000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-Modified-Since', -2000]],
            magic_ims: true,
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-lm-stale',
        name: 'An optimal HTTP cache responds to `If-Modified-Since` with a `304` when holding a stale response with a matching `Last-Modified`, after validation.',
        kind: 'optimal',
        browser_skip: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Last-Modified', -3000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-Modified-Since', -3000]],
            magic_ims: true,
            expected_type: 'lm_validated',
            expected_status: 304,
          },
        ],
      },
    ],
  },
  {
    id: 'conditional-inm',
    name: 'Conditional Requests: If-None-Match and ETag',
    tests: [
      {
        id: 'conditional-etag-strong-respond',
        name: 'An optimal HTTP cache responds to `If-None-Match` with a `304` when holding a fresh response with a matching strong `ETag`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-304-etag',
        name: 'HTTP cache must include `ETag` in a `304 Not Modified`',
        kind: 'required',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
            expected_response_headers: [['ETag', '"abcdef"']],
          },
        ],
      },
      {
        id: 'conditional-etag-precedence',
        name: 'HTTP cache must give precedence to `If-None-Match` over `If-Modified-Since`',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['Last-Modified', -5000],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [
              ['If-None-Match', '"abcdef"'],
              ['If-Modified-Since', -1],
            ],
            magic_ims: true,
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-strong-respond-obs-text',
        name: 'Does HTTP cache respond to `If-None-Match` with a `304` when holding a fresh response with a matching strong `ETag` containing obs-text?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdefü"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"abcdefü"']],
            expected_type: 'cached',
            expected_status: 304,
            expected_response_headers: [['ETag', '"abcdefü"']],
          },
        ],
      },
      {
        id: 'conditional-etag-quoted-respond-unquoted',
        name: 'Does HTTP cache respond to an unquoted `If-None-Match` with a `304` when holding a fresh response with a matching strong `ETag` that is quoted?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'abcdef']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-unquoted-respond-unquoted',
        name: 'Does HTTP cache respond to an unquoted `If-None-Match` with a `304` when holding a fresh response with a matching strong `ETag` that is unquoted?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'abcdef'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'abcdef']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-unquoted-respond-quoted',
        name: 'Does HTTP cache respond to a quoted `If-None-Match` with a `304` when holding a fresh response with a matching strong `ETag` that is unquoted?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'abcdef'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-weak-respond',
        name: 'An optimal HTTP cache responds to `If-None-Match` with a `304` when holding a fresh response with a matching weak `ETag`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'W/"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'W/"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-weak-respond-lowercase',
        name: 'Does HTTP cache respond to `If-None-Match` with a `304` when holding a fresh response with a matching weak `ETag`, and the entity-tag weakness flag is lowercase?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-weak-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'w/"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'w/"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-weak-respond-backslash',
        name: 'Does HTTP cache respond to `If-None-Match` with a `304` when holding a fresh response with a matching weak `ETag`, and the entity-tag weakness flag uses `\\` instead of `/`?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-weak-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'W\\"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'W\\"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-weak-respond-omit-slash',
        name: 'Does HTTP cache respond to `If-None-Match` with a `304` when holding a fresh response with a matching weak `ETag`, and the entity-tag weakness flag omits `/`?',
        kind: 'check',
        browser_skip: true,
        depends_on: ['conditional-etag-weak-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', 'W"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', 'W"abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-strong-respond-multiple-first',
        name: 'An optimal HTTP cache responds to `If-None-Match` with a `304` when it contains multiple entity-tags (first one)',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"abcdef", "1234", "5678"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-strong-respond-multiple-second',
        name: 'An optimal HTTP cache responds to `If-None-Match` with a `304` when it contains multiple entity-tags (middle one)',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"1234", "abcdef", "5678"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-strong-respond-multiple-last',
        name: 'An optimal HTTP cache responds to `If-None-Match` with a `304` when it contains multiple entity-tags (last one)',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['conditional-etag-strong-respond'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['If-None-Match', '"1234", "5678", "abcdef"']],
            expected_type: 'cached',
            expected_status: 304,
          },
        ],
      },
      {
        id: 'conditional-etag-vary-headers',
        name: 'HTTP cache must include stored response headers identified by `Vary` in a conditional request it generates',
        requests: [
          {
            request_headers: [['Abc', '123']],
            response_headers: [
              ['Expires', 1],
              ['ETag', '"abcdef"'],
              ['Date', 0],
              ['Vary', 'Abc'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['Abc', '123']],
            expected_type: 'etag_validated',
            expected_request_headers: [['Abc', '123']],
            setup_tests: ['expected_type'],
          },
        ],
      },
      {
        id: 'conditional-etag-vary-headers-mismatch',
        name: 'Does HTTP cache use a stored `ETag` to validate when the presented `Vary`ing request header differs?',
        kind: 'check',
        depends_on: ['conditional-etag-vary-headers', 'vary-no-match'],
        requests: [
          {
            request_headers: [['Abc', '123']],
            response_headers: [
              ['Expires', 10000],
              ['ETag', '"abcdef"'],
              ['Date', 0],
              ['Vary', 'Abc'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['Abc', '456']],
            expected_request_headers: [['If-None-Match', '"abcdef"']],
          },
        ],
      },
      {
        id: 'conditional-etag-strong-generate',
        name: 'An optimal HTTP cache generates a `If-None-Match` request when holding a stale response with a matching strong `ETag`',
        kind: 'optimal',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
              ['ETag', '"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_request_headers: [['If-None-Match', '"abcdef"']],
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'conditional-etag-weak-generate-weak',
        name: 'An optimal HTTP cache generates a `If-None-Match` request when holding a stale response with a matching weak `ETag`',
        kind: 'optimal',
        depends_on: ['freshness-max-age-stale'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
              ['ETag', 'W/"abcdef"'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_request_headers: [['If-None-Match', 'W/"abcdef"']],
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'conditional-etag-strong-generate-unquoted',
        name: 'Does HTTP cache generate a quoted `If-None-Match` request when holding a stale response with a matching, unquoted strong `ETag`?',
        kind: 'check',
        depends_on: ['conditional-etag-strong-generate'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
              ['ETag', 'abcdef'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_request_headers: [['If-None-Match', '"abcdef"']],
            expected_type: 'etag_validated',
          },
        ],
      },
      {
        id: 'conditional-etag-forward',
        name: 'Does HTTP cache forward `If-None-Match` request header when no stored response is available?',
        kind: 'check',
        requests: [
          {
            request_headers: [['If-None-Match', '"abcdef"']],
            expected_request_headers: [['If-None-Match', '"abcdef"']],
          },
        ],
      },
      {
        id: 'conditional-etag-forward-unquoted',
        name: 'Does HTTP cache add quotes to an unquoted `If-None-Match` request when forwarding it?',
        kind: 'check',
        depends_on: ['conditional-etag-forward'],
        requests: [
          {
            request_headers: [['If-None-Match', 'abcdef']],
            expected_request_headers: [['If-None-Match', '"abcdef"']],
          },
        ],
      },
    ],
  },
  {
    id: 'headers',
    name: 'Storing Header Fields',
    tests: [
      {
        id: 'headers-omit-headers-listed-in-Connection',
        name: '`Connection` header must inhibit a HTTP cache from storing listed headers',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['Connection', 'a, b', false],
              ['a', '1', false],
              ['b', '2', false],
              ['c', '3', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['c', '3']],
            expected_response_headers_missing: ['a', 'b'],
            setup_tests: ['expected_type', 'expected_response_headers'],
          },
        ],
      },
      {
        id: 'headers-store-Test-Header',
        name: 'HTTP cache must store `Test-Header` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Test-Header', 'aywusqomkigecay', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Test-Header', 'aywusqomkigecay']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-X-Test-Header',
        name: 'HTTP cache must store `X-Test-Header` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Test-Header', 'abcdefghijklmno', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['X-Test-Header', 'abcdefghijklmno']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Foo',
        name: 'HTTP cache must store `Content-Foo` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Foo', 'auoicwqkeysmgau', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Foo', 'auoicwqkeysmgau']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-X-Content-Foo',
        name: 'HTTP cache must store `X-Content-Foo` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Content-Foo', 'axurolifczwtqnk', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['X-Content-Foo', 'axurolifczwtqnk']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Cache-Control',
        name: 'HTTP cache must store `Cache-Control` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600', true],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Cache-Control', 'max-age=3600']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Connection',
        name: 'HTTP cache must not store `Connection` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Connection', 'askcumewogyqias', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Connection', 'askcumewogyqias']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Encoding',
        name: 'HTTP cache must store `Content-Encoding` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Encoding', 'apetixmbqfujync', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Encoding', 'apetixmbqfujync']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Length',
        name: 'HTTP cache must store `Content-Length` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Length', '10', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: false,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Length', '10']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: false,
          },
        ],
      },
      {
        id: 'headers-store-Content-Location',
        name: 'HTTP cache must store `Content-Location` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Location', '/bar', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Location', '/bar']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-MD5',
        name: 'HTTP cache must store `Content-MD5` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Range',
        name: 'HTTP cache must store `Content-Range` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Range', 'ananananananana', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Range', 'ananananananana']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Security-Policy',
        name: 'HTTP cache must store `Content-Security-Policy` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Security-Policy', "default-src 'self' cdn.example.com", true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [
              ['Content-Security-Policy', "default-src 'self' cdn.example.com"],
            ],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Content-Type',
        name: 'HTTP cache must store `Content-Type` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Type', 'text/plain;charset=utf-8', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Content-Type', 'text/plain;charset=utf-8']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Clear-Site-Data',
        name: 'HTTP cache must store `Clear-Site-Data` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Clear-Site-Data', 'cookies', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Clear-Site-Data', 'cookies']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-ETag',
        name: 'HTTP cache must store `ETag` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['ETag', '"ghijkl"', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['ETag', '"ghijkl"']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Expires',
        name: 'HTTP cache must store `Expires` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Keep-Alive',
        name: 'HTTP cache must not store `Keep-Alive` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Keep-Alive', 'ananananananana', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Keep-Alive', 'ananananananana']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Proxy-Authenticate',
        name: 'HTTP cache must not store `Proxy-Authenticate` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Proxy-Authenticate', 'akueoyiscmwgqak', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Proxy-Authenticate', 'akueoyiscmwgqak']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Proxy-Authentication-Info',
        name: 'HTTP cache must not store `Proxy-Authentication-Info` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Proxy-Authentication-Info', 'aaaaaaaaaaaaaaa', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Proxy-Authentication-Info', 'aaaaaaaaaaaaaaa']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Proxy-Authorization',
        name: 'HTTP cache must not store `Proxy-Authorization` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Proxy-Authorization', 'aaaaaaaaaaaaaaa', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Proxy-Authorization', 'aaaaaaaaaaaaaaa']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Proxy-Connection',
        name: 'HTTP cache must not store `Proxy-Connection` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Proxy-Connection', 'alwhsdozkvgrcny', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Proxy-Connection', 'alwhsdozkvgrcny']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Public-Key-Pins',
        name: 'HTTP cache must store `Public-Key-Pins` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Public-Key-Pins', 'askcumewogyqias', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Public-Key-Pins', 'askcumewogyqias']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Set-Cookie',
        name: 'HTTP cache must store `Set-Cookie` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie', 'a=c', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Set-Cookie', 'a=c']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Set-Cookie2',
        name: 'HTTP cache must store `Set-Cookie2` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie2', 'a=c', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Set-Cookie2', 'a=c']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-TE',
        name: 'HTTP cache must not store `TE` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['TE', 'apetixmbqfujync', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['TE', 'apetixmbqfujync']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Transfer-Encoding',
        name: 'HTTP cache must not store `Transfer-Encoding` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Transfer-Encoding', 'arizqhypgxofwne', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Transfer-Encoding', 'arizqhypgxofwne']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-Upgrade',
        name: 'HTTP cache must not store `Upgrade` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Upgrade', 'acegikmoqsuwyac', false],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [],
            expected_response_headers_missing: [['Upgrade', 'acegikmoqsuwyac']],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-X-Frame-Options',
        name: 'HTTP cache must store `X-Frame-Options` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Frame-Options', 'sameorigin', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['X-Frame-Options', 'sameorigin']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
      {
        id: 'headers-store-X-XSS-Protection',
        name: 'HTTP cache must store `X-XSS-Protection` header field',
        kind: 'required',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-XSS-Protection', '1; mode=block', true],
              ['Cache-Control', 'max-age=3600'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['X-XSS-Protection', '1; mode=block']],
            expected_response_headers_missing: [],
            setup_tests: ['expected_type'],
            check_body: true,
          },
        ],
      },
    ],
  },
  {
    id: 'update304',
    name: 'Update Headers Upon a 304',
    tests: [
      {
        id: '304-lm-use-stored-Test-Header',
        name: 'HTTP cache must return stored `Test-Header` from a `304` that omits it',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Last-Modified', 'Wed, 01 Jan 2020 00:00:00 GMT'],
              ['Date', 0],
              ['Test-Header', 'aaaaaaaaaaaaaaa'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            response_headers: [
              ['Last-Modified', 'Wed, 01 Jan 2020 00:00:00 GMT'],
              ['Date', 0],
            ],
            expected_type: 'lm_validated',
            expected_response_headers: [['Test-Header', 'aaaaaaaaaaaaaaa']],
            setup_tests: ['expected_type'],
          },
        ],
      },
      {
        id: '304-etag-update-response-Test-Header',
        name: 'HTTP cache must update and return `Test-Header` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Test-Header', 'aaaaaaaaaaaaaaa', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"aqgwmcsiyoeukaq"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Test-Header', 'abcdefghijklmno', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"aqgwmcsiyoeukaq"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Test-Header', 'abcdefghijklmno']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Test-Header', 'abcdefghijklmno', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Test-Header', 'abcdefghijklmno']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-X-Test-Header',
        name: 'HTTP cache must update and return `X-Test-Header` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Test-Header', 'adgjmpsvybehknq', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"atmfyrkdwpibung"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Test-Header', 'aeimquycgkoswae', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"atmfyrkdwpibung"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Test-Header', 'aeimquycgkoswae']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Test-Header', 'aeimquycgkoswae', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Test-Header', 'aeimquycgkoswae']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Foo',
        name: 'HTTP cache must update and return `Content-Foo` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Foo', 'awsokgcyuqmieaw', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"amykwiugseqcoam"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Foo', 'axurolifczwtqnk', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"amykwiugseqcoam"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Foo', 'axurolifczwtqnk']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Foo', 'axurolifczwtqnk', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Foo', 'axurolifczwtqnk']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-X-Content-Foo',
        name: 'HTTP cache must update and return `X-Content-Foo` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Content-Foo', 'azyxwvutsrqponm', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"apetixmbqfujync"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Content-Foo', 'aaaaaaaaaaaaaaa', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"apetixmbqfujync"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Content-Foo', 'aaaaaaaaaaaaaaa']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Content-Foo', 'aaaaaaaaaaaaaaa', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Content-Foo', 'aaaaaaaaaaaaaaa']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Cache-Control',
        name: 'HTTP cache must update and return `Cache-Control` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=1', true],
              ['ETag', '"amykwiugseqcoam"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600', true],
              ['ETag', '"amykwiugseqcoam"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Cache-Control', 'max-age=3600']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Cache-Control', 'max-age=3600', true],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Cache-Control', 'max-age=3600']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Encoding',
        name: 'Does HTTP cache update and return `Content-Encoding` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Encoding', 'arizqhypgxofwne', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"ahovcjqxelszgnu"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Encoding', 'askcumewogyqias', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"ahovcjqxelszgnu"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Encoding', 'askcumewogyqias']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Encoding', 'askcumewogyqias', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Encoding', 'askcumewogyqias']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Length',
        name: 'HTTP cache must not update and return `Content-Length` from a `304`',
        kind: 'required',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Length', '5', false],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            setup: true,
            pause_after: true,
            check_body: false,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Length', '10', false],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Length', '5']],
            check_body: false,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Length', '5', false],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Length', '5']],
            check_body: false,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Location',
        name: 'Does HTTP cache update and return `Content-Location` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Location', '/foo', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"azyxwvutsrqponm"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Location', '/bar', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"azyxwvutsrqponm"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Location', '/bar']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Location', '/bar', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Location', '/bar']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-MD5',
        name: 'Does HTTP cache update and return `Content-MD5` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-MD5', 'rL0Y20zC+Fzt72VPzMSk2A==', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"awsokgcyuqmieaw"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"awsokgcyuqmieaw"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-MD5', 'N7UdGUp1E+RbVvZSTy1R8g==']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Range',
        name: 'Does HTTP cache update and return `Content-Range` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Range', 'apetixmbqfujync', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"afkpuzejotydins"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Range', 'aqgwmcsiyoeukaq', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"afkpuzejotydins"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Range', 'aqgwmcsiyoeukaq']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Range', 'aqgwmcsiyoeukaq', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Range', 'aqgwmcsiyoeukaq']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Security-Policy',
        name: 'Does HTTP cache update and return `Content-Security-Policy` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Security-Policy', "default-src 'self'", true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Security-Policy', "default-src 'self' cdn.example.com", true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [
              ['Content-Security-Policy', "default-src 'self' cdn.example.com"],
            ],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Security-Policy', "default-src 'self' cdn.example.com", true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [
              ['Content-Security-Policy', "default-src 'self' cdn.example.com"],
            ],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Content-Type',
        name: 'Does HTTP cache update and return `Content-Type` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Content-Type', 'text/plain', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"aiqygowemucksai"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Type', 'text/plain;charset=utf-8', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"aiqygowemucksai"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Type', 'text/plain;charset=utf-8']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Content-Type', 'text/plain;charset=utf-8', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Content-Type', 'text/plain;charset=utf-8']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Clear-Site-Data',
        name: 'Does HTTP cache update and return `Clear-Site-Data` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Clear-Site-Data', 'cache', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Clear-Site-Data', 'cookies', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Clear-Site-Data', 'cookies']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Clear-Site-Data', 'cookies', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Clear-Site-Data', 'cookies']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-ETag',
        name: 'Does HTTP cache update and return `ETag` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['ETag', '"abcdef"', true],
              ['Cache-Control', 'max-age=2'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['ETag', '"ghijkl"', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['ETag', '"ghijkl"']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['ETag', '"ghijkl"', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['ETag', '"ghijkl"']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Expires',
        name: 'Does HTTP cache update and return `Expires` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Expires', 'Fri, 01 Jan 2038 01:01:01 GMT', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"askcumewogyqias"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Expires', 'Mon, 11 Jan 2038 11:11:11 GMT']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Public-Key-Pins',
        name: 'Does HTTP cache update and return `Public-Key-Pins` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Public-Key-Pins', 'auoicwqkeysmgau', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"akueoyiscmwgqak"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Public-Key-Pins', 'avqlgbwrmhcxsni', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"akueoyiscmwgqak"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Public-Key-Pins', 'avqlgbwrmhcxsni']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Public-Key-Pins', 'avqlgbwrmhcxsni', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Public-Key-Pins', 'avqlgbwrmhcxsni']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Set-Cookie',
        name: 'Does HTTP cache update and return `Set-Cookie` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie', 'a=b', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"avqlgbwrmhcxsni"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie', 'a=c', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"avqlgbwrmhcxsni"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Set-Cookie', 'a=c']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie', 'a=c', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Set-Cookie', 'a=c']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-Set-Cookie2',
        name: 'Does HTTP cache update and return `Set-Cookie2` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie2', 'a=b', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"atmfyrkdwpibung"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie2', 'a=c', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"atmfyrkdwpibung"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Set-Cookie2', 'a=c']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['Set-Cookie2', 'a=c', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Set-Cookie2', 'a=c']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-X-Frame-Options',
        name: 'Does HTTP cache update and return `X-Frame-Options` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-Frame-Options', 'deny', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Frame-Options', 'sameorigin', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Frame-Options', 'sameorigin']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-Frame-Options', 'sameorigin', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-Frame-Options', 'sameorigin']],
            check_body: true,
          },
        ],
      },
      {
        id: '304-etag-update-response-X-XSS-Protection',
        name: 'Does HTTP cache update and return `X-XSS-Protection` from a `304`?',
        kind: 'check',
        depends_on: ['304-lm-use-stored-Test-Header'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['X-XSS-Protection', '1', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            setup: true,
            pause_after: true,
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-XSS-Protection', '1; mode=block', true],
              ['Cache-Control', 'max-age=2'],
              ['ETag', '"axurolifczwtqnk"'],
            ],
            expected_type: 'etag_validated',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-XSS-Protection', '1; mode=block']],
            check_body: true,
          },
          {
            response_headers: [
              ['Date', 0],
              ['X-XSS-Protection', '1; mode=block', true],
              ['Cache-Control', 'max-age=2'],
            ],
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['X-XSS-Protection', '1; mode=block']],
            check_body: true,
          },
        ],
      },
    ],
  },
  {
    id: 'updateHEAD',
    name: 'HEAD updates',
    tests: [
      {
        id: 'head-writethrough',
        name: 'Does HTTP cache write through a HEAD when stored response is stale?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'HEAD',
            expected_method: 'HEAD',
          },
        ],
      },
      {
        id: 'head-200-retain',
        name: 'Does HTTP cache preserve stored fields not received in a `200` response to a `HEAD`?',
        kind: 'check',
        depends_on: ['head-writethrough'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'HEAD',
            expected_method: 'HEAD',
            expected_response_headers: [['Template-A', '1']],
          },
        ],
      },
      {
        id: 'head-200-freshness-update',
        name: 'Does HTTP cache update freshness lifetime recieved in a `200` response to a `HEAD`?',
        kind: 'check',
        depends_on: ['head-writethrough'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'HEAD',
            expected_method: 'HEAD',
            response_headers: [['Cache-Control', 'max-age=1000']],
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'head-200-update',
        name: 'Does HTTP cache update stored fields recieved in a `200` response to a `HEAD`?',
        kind: 'check',
        depends_on: ['head-writethrough', 'head-200-freshness-update'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'HEAD',
            expected_method: 'HEAD',
            response_headers: [
              ['Template-A', '2'],
              ['Cache-Control', 'max-age=1000'],
            ],
          },
          {
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Template-A', '2']],
          },
        ],
      },
      {
        id: 'head-410-update',
        name: 'Does HTTP cache update stored fields recieved in a `410` response to a `HEAD`?',
        kind: 'check',
        depends_on: ['head-writethrough', 'head-200-freshness-update'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=2'],
              ['Template-A', '1'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'HEAD',
            expected_method: 'HEAD',
            response_status: [410, 'Gone'],
            response_headers: [
              ['Template-A', '2'],
              ['Cache-Control', 'max-age=1000'],
            ],
          },
          {
            expected_type: 'cached',
            setup_tests: ['expected_type'],
            expected_response_headers: [['Template-A', '2']],
          },
        ],
      },
    ],
  },
  {
    id: 'invalidation',
    name: 'Cache Invalidation',
    tests: [
      {
        id: 'invalidate-POST',
        name: 'HTTP cache must invalidate the URL after a successful response to a `POST` request',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'POST',
            request_body: 'abc',
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-POST-failed',
        name: 'An optimal HTTP cache does not invalidate the URL after a failed response to a `POST` request',
        kind: 'optimal',
        depends_on: ['invalidate-POST'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'POST',
            request_body: 'abc',
            response_status: [500, 'Internal Server Error'],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'invalidate-PUT',
        name: 'HTTP cache must invalidate the URL after a successful response to a `PUT` request',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'PUT',
            request_body: 'abc',
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-PUT-failed',
        name: 'An optimal HTTP cache does not invalidate the URL after a failed response to a `PUT` request',
        kind: 'optimal',
        depends_on: ['invalidate-PUT'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'PUT',
            request_body: 'abc',
            response_status: [500, 'Internal Server Error'],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'invalidate-DELETE',
        name: 'HTTP cache must invalidate the URL after a successful response to a `DELETE` request',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'DELETE',
            request_body: 'abc',
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-DELETE-failed',
        name: 'An optimal HTTP cache does not invalidate the URL after a failed response to a `DELETE` request',
        kind: 'optimal',
        depends_on: ['invalidate-DELETE'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'DELETE',
            request_body: 'abc',
            response_status: [500, 'Internal Server Error'],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'invalidate-M-SEARCH',
        name: 'HTTP cache must invalidate the URL after a successful response to a `M-SEARCH` request',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'M-SEARCH',
            request_body: 'abc',
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-M-SEARCH-failed',
        name: 'An optimal HTTP cache does not invalidate the URL after a failed response to a `M-SEARCH` request',
        kind: 'optimal',
        depends_on: ['invalidate-M-SEARCH'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_method: 'M-SEARCH',
            request_body: 'abc',
            response_status: [500, 'Internal Server Error'],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'invalidate-POST-location',
        name: 'Does HTTP cache invalidate `Location` URL after a successful response to a `POST` request?',
        kind: 'check',
        depends_on: ['invalidate-POST'],
        requests: [
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'POST',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-PUT-location',
        name: 'Does HTTP cache invalidate `Location` URL after a successful response to a `PUT` request?',
        kind: 'check',
        depends_on: ['invalidate-PUT'],
        requests: [
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'PUT',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-DELETE-location',
        name: 'Does HTTP cache invalidate `Location` URL after a successful response to a `DELETE` request?',
        kind: 'check',
        depends_on: ['invalidate-DELETE'],
        requests: [
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'DELETE',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-M-SEARCH-location',
        name: 'Does HTTP cache invalidate `Location` URL after a successful response to a `M-SEARCH` request?',
        kind: 'check',
        depends_on: ['invalidate-M-SEARCH'],
        requests: [
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'M-SEARCH',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-POST-cl',
        name: 'Does HTTP cache must invalidate `Content-Location` URL after a successful response to a `POST` request?',
        kind: 'check',
        depends_on: ['invalidate-POST'],
        requests: [
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'POST',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-PUT-cl',
        name: 'Does HTTP cache must invalidate `Content-Location` URL after a successful response to a `PUT` request?',
        kind: 'check',
        depends_on: ['invalidate-PUT'],
        requests: [
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'PUT',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-DELETE-cl',
        name: 'Does HTTP cache must invalidate `Content-Location` URL after a successful response to a `DELETE` request?',
        kind: 'check',
        depends_on: ['invalidate-DELETE'],
        requests: [
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'DELETE',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'invalidate-M-SEARCH-cl',
        name: 'Does HTTP cache must invalidate `Content-Location` URL after a successful response to a `M-SEARCH` request?',
        kind: 'check',
        depends_on: ['invalidate-M-SEARCH'],
        requests: [
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            response_headers: [
              ['Location', 'location_target'],
              ['Content-Location', 'content_location_target'],
            ],
            magic_locations: true,
            request_method: 'M-SEARCH',
            request_body: 'abc',
            setup: true,
          },
          {
            filename: 'content_location_target',
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Last-Modified', 0],
              ['Date', 0],
            ],
            expected_type: 'not_cached',
          },
        ],
      },
    ],
  },
  {
    id: 'partial',
    name: 'Combining Partial Content',
    tests: [
      {
        id: 'partial-store-partial-reuse-partial',
        name: 'An optimal HTTP cache stores partial content and reuses it',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Range', 'bytes=-5']],
            response_status: [206, 'Partial Content'],
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Content-Range', 'bytes 4-9/10'],
            ],
            response_body: '01234',
            setup: true,
            expected_request_headers: [['Range', 'bytes=-5']],
          },
          {
            request_headers: [['Range', 'bytes=-5']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '01234',
          },
        ],
      },
      {
        id: 'partial-store-complete-reuse-partial',
        name: 'An optimal HTTP cache stores complete responses and serves smaller ranges from them (byte-range-spec)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            response_body: '01234567890',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=0-1']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '01',
          },
        ],
      },
      {
        id: 'partial-store-complete-reuse-partial-no-last',
        name: 'An optimal HTTP cache stores complete responses and serves smaller ranges from them (absent last-byte-pos)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            response_body: '01234567890',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=1-']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '1234567890',
          },
        ],
      },
      {
        id: 'partial-store-complete-reuse-partial-suffix',
        name: 'An optimal HTTP cache stores complete responses and serves smaller ranges from them (suffix-byte-range-spec)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [['Cache-Control', 'max-age=3600']],
            response_body: '0123456789A',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=-1']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: 'A',
          },
        ],
      },
      {
        id: 'partial-store-partial-reuse-partial-byterange',
        name: 'An optimal HTTP cache stores partial responses and serves smaller ranges from them (byte-range-spec)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Range', 'bytes=-5']],
            response_status: [206, 'Partial Content'],
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Content-Range', 'bytes 4-9/10'],
            ],
            response_body: '01234',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=6-8']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '234',
          },
        ],
      },
      {
        id: 'partial-store-partial-reuse-partial-absent',
        name: 'An optimal HTTP cache stores partial responses and serves smaller ranges from them (absent last-byte-pos)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Range', 'bytes=-5']],
            response_status: [206, 'Partial Content'],
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Content-Range', 'bytes 4-9/10'],
            ],
            response_body: '01234',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=6-']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '234',
          },
        ],
      },
      {
        id: 'partial-store-partial-reuse-partial-suffix',
        name: 'An optimal HTTP cache stores partial responses and serves smaller ranges from them (suffix-byte-range-spec)',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Range', 'bytes=-5']],
            response_status: [206, 'Partial Content'],
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Content-Range', 'bytes 4-9/10'],
            ],
            response_body: '01234',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=-1']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '4',
          },
        ],
      },
      {
        id: 'partial-store-partial-complete',
        name: 'An optimal HTTP cache stores partial content and completes it',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            request_headers: [['Range', 'bytes=-5']],
            response_status: [206, 'Partial Content'],
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Content-Range', 'bytes 0-4/10'],
            ],
            response_body: '01234',
            setup: true,
          },
          {
            expected_request_headers: [['range', 'bytes=5-']],
          },
        ],
      },
      {
        id: 'partial-use-headers',
        name: 'HTTP cache must use header fields from the new response',
        depends_on: ['partial-store-complete-reuse-partial'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['A', '1'],
            ],
            response_body: '01234567890',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=0-1']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '01',
            setup_tests: ['expected_type', 'expected_status', 'expected_response_text'],
            response_headers: [['A', '2']],
          },
        ],
      },
      {
        id: 'partial-use-stored-headers',
        name: 'HTTP cache must preserve unupdated header fields from the stored response',
        depends_on: ['partial-store-complete-reuse-partial'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['A', '1'],
            ],
            response_body: '01234567890',
            setup: true,
          },
          {
            request_headers: [['Range', 'bytes=0-1']],
            expected_type: 'cached',
            expected_status: 206,
            expected_response_text: '01',
            setup_tests: ['expected_type', 'expected_status', 'expected_response_text'],
            expected_response_headers: [['A', '1']],
          },
        ],
      },
    ],
  },
  {
    id: 'auth',
    name: 'Storing Respones to Authenticated Requests',
    tests: [
      {
        id: 'other-authorization',
        name: 'HTTP shared cache must not reuse a response to a request that contained `Authorization`, even with explicit freshness',
        browser_skip: true,
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            request_headers: [['Authorization', 'FOO']],
            expected_request_headers: [['Authorization', 'FOO']],
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'other-authorization-public',
        name: 'An optimal HTTP shared cache reuses a response to a request that contained `Authorization`, if it has `Cache-Control: public`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['other-authorization'],
        requests: [
          {
            request_headers: [['Authorization', 'FOO']],
            expected_request_headers: [['Authorization', 'FOO']],
            response_headers: [
              ['Cache-Control', 'max-age=3600, public'],
              ['Date', 0],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-authorization-must-revalidate',
        name: 'An optimal HTTP shared cache reuses a response to a request that contained `Authorization`, if it has `Cache-Control: must-revalidate`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['other-authorization'],
        requests: [
          {
            request_headers: [['Authorization', 'FOO']],
            expected_request_headers: [['Authorization', 'FOO']],
            response_headers: [
              ['Cache-Control', 'max-age=3600, must-revalidate'],
              ['Date', 0],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-authorization-smaxage',
        name: 'An optimal HTTP shared cache reuses a response to a request that contained `Authorization`, if it has `Cache-Control: s-maxage`',
        kind: 'optimal',
        browser_skip: true,
        depends_on: ['other-authorization'],
        requests: [
          {
            request_headers: [['Authorization', 'FOO']],
            expected_request_headers: [['Authorization', 'FOO']],
            response_headers: [
              ['Cache-Control', 's-maxage=3600'],
              ['Date', 0],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'other',
    name: 'Other Caching Requirements',
    tests: [
      {
        id: 'other-age-gen',
        name: 'HTTP cache must generate an `Age` header field when using a stored response.',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Age', '>', 2]],
          },
        ],
      },
      {
        id: 'other-age-delay',
        name: 'Does HTTP cache insert an `Age` header field when there is delay generating the response?',
        kind: 'check',
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['Date', 0],
            ],
            response_pause: 5,
            expected_response_headers: [['age', '>', 0]],
          },
        ],
      },
      {
        id: 'other-age-update-expires',
        name: 'HTTP cache must update the `Age` header field when freshness is based upon `Expires`',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 2592000],
              ['Date', 0],
              ['Age', '30'],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Age', '>', 32]],
          },
        ],
      },
      {
        id: 'other-age-update-max-age',
        name: 'HTTP cache must update the `Age` header field when freshness is based upon `CC: max-age`',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['Age', '30'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Age', '>', 32]],
          },
        ],
      },
      {
        id: 'other-date-update',
        name: 'HTTP cache must not update the `Date` header field',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Date', 0]],
          },
        ],
      },
      {
        id: 'other-date-update-expires',
        name: 'HTTP cache must not update the `Date` header field when `Expires` is present',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 2592000],
              ['Date', 0],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Date', 0]],
          },
        ],
      },
      {
        id: 'other-date-update-expires-update',
        name: 'Does HTTP cache leave the `Expires` header field alone?',
        kind: 'check',
        depends_on: ['freshness-expires-future'],
        requests: [
          {
            response_headers: [
              ['Expires', 2592000],
              ['Date', 0],
            ],
            pause_after: true,
            setup: true,
          },
          {
            expected_type: 'cached',
            expected_response_headers: [['Expires', 2592000]],
          },
        ],
      },
      {
        id: 'query-args-different',
        name: 'Different query arguments must be different cache keys',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            query_arg: 'test=aywusqomkigecay',
          },
          {
            query_arg: 'test=azyxwvutsrqponm',
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'query-args-same',
        name: 'An optimal HTTP cache should not be affected by the presence of a URL query',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
            query_arg: 'test=azyxwvutsrqponm',
          },
          {
            query_arg: 'test=azyxwvutsrqponm',
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-heuristic-content-disposition-attachment',
        name: 'Does HTTP heuristically cache a response with a `Content-Disposition: attachment` header?',
        kind: 'check',
        depends_on: ['heuristic-200-cached'],
        requests: [
          {
            response_headers: [
              ['Last-Modified', -100000],
              ['Date', 0],
              ['Content-Disposition', 'attachment; filename=example.txt'],
            ],
            setup: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-fresh-content-disposition-attachment',
        name: 'Does HTTP reuse a fresh response with a `Content-Disposition: attachment` header?',
        kind: 'check',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['Content-Disposition', 'attachment; filename=example.txt'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-set-cookie',
        name: 'An optimal HTTP cache reuses a fresh response with a `Set-Cookie` header',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
              ['Set-Cookie', 'a=b'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'other-cookie',
        name: 'An optimal HTTP cache reuses a fresh response when the request has a `Cookie` header',
        kind: 'optimal',
        depends_on: ['freshness-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            request_headers: [['Cookie', 'a=b']],
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
  {
    id: 'cdn-cache-control',
    name: 'CDN-Cache-Control',
    tests: [
      {
        id: 'cdn-max-age',
        name: 'An optimal CDN reuses a response with positive `CDN-Cache-Control: max-age`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'max-age=3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-max',
        name: 'An optimal CDN reuses a response with `CDN-Cache-Control: max-age: 2147483648`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'max-age=2147483648', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-max-plus',
        name: 'An optimal CDN reuses a response with `CDN-Cache-Control: max-age: 99999999999`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'max-age=99999999999', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-age',
        name: 'CDN must not reuse a response when the `Age` header is greater than its `CDN-Cache-Control: max-age` freshness lifetime',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Date', 0],
              ['CDN-Cache-Control', 'max-age=3600', false],
              ['Age', '7200'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-space-before-equals',
        name: 'Does CDN ignore `CDN-Cache-Control: max-age` with space before the `=`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['CDN-Cache-Control', 'max-age =100', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-space-after-equals',
        name: 'Does CDN ignore `CDN-Cache-Control: max-age` with space after the `=`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['CDN-Cache-Control', 'max-age= 100', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-0',
        name: 'CDN must not reuse a response with `CDN-Cache-Control: max-age=0`',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'max-age=0', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-extension',
        name: 'An optimal CDN reuses a response with a positive `CDN-Cache-Control: max-age` and an extension cache directive',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'foobar, max-age=3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-case-insensitive',
        name: 'Does CDN reuse a response with a positive `CDN-Cache-Control: MaX-aGe`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [['CDN-Cache-Control', 'MaX-aGe=3600', false]],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-expires',
        name: 'An optimal CDN reuses a response with a positive `CDN-Cache-Control: max-age` and a past `Expires`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'max-age=3600', false],
              ['Expires', -10000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-cc-max-age-invalid-expires',
        name: 'An optimal CDN reuses a response with a positive `CDN-Cache-Control: max-age` and an invalid `Expires`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'max-age=3600', false],
              ['Expires', '0', false],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-0-expires',
        name: 'CDN must not reuse a response with a `CDN-Cache-Control: max-age=0` and a future `Expires`',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'max-age=0', false],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-short-cc-max-age',
        name: 'An optimal CDN prefers a long `CDN-Cache-Control: max-age` over a short `Cache-Control: max-age`',
        kind: 'optimal',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['CDN-Cache-Control', 'max-age=3600', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-max-age-long-cc-max-age',
        name: 'CDN must prefer a short `CDN-Cache-Control: max-age` over a long `Cache-Control: max-age`',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=3600'],
              ['CDN-Cache-Control', 'max-age=1', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-private',
        name: 'CDN must not reuse a cached response with `CDN-Cache-Control: private`, even with `Cache-Control: max-age` and `Expires`',
        cdn_only: true,
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'private'],
              ['Cache-Control', 'max-age=10000'],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-no-cache',
        name: 'CDN must not reuse a cached response with `CDN-Cache-Control: no-cache`, even with `Cache-Control: max-age` and `Expires`',
        cdn_only: true,
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'no-cache'],
              ['Cache-Control', 'max-age=10000'],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-no-store-cc-fresh',
        name: 'CDN must not store a response with `CDN-Cache-Control: no-store`, even with `Cache-Control: max-age` and `Expires`',
        cdn_only: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000'],
              ['CDN-Cache-Control', 'no-store', false],
              ['Expires', 10000],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-fresh-cc-nostore',
        name: 'An optimal CDN stores a response with a fresh `CDN-Cache-Control: max-age`, even with `Cache-Control: no-store`',
        cdn_only: true,
        depends_on: ['freshness-none'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'no-store'],
              ['CDN-Cache-Control', 'max-age=10000', false],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'cdn-cc-invalid-sh-type-unknown',
        name: "CDN should ignore a `CDN-Cache-Control` that's an invalid Structured Field (unknown type)",
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'max-age=10000, &&&&&', false],
              ['Cache-Control', 'no-store'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-cc-invalid-sh-type-wrong',
        name: "CDN should ignore a `CDN-Cache-Control` that's an invalid Structured Field (wrong type)",
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['CDN-Cache-Control', 'max-age="10000"', false],
              ['Cache-Control', 'no-store'],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_type: 'not_cached',
          },
        ],
      },
      {
        id: 'cdn-remove-header',
        name: 'Does the CDN forward the `CDN-Cache-Control` response header?',
        kind: 'check',
        cdn_only: true,
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=10000'],
              ['CDN-Cache-Control', 'foo', false],
              ['Expires', 10000],
              ['Date', 0],
            ],
            expected_response_headers: [['CDN-Cache-Control', 'foo']],
          },
        ],
      },
      {
        id: 'cdn-remove-age-exceed',
        name: 'Does the CDN send `Age` when `CDN-Cache-Control: max-age` exceeds `Cache-Control: max-age`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['CDN-Cache-Control', 'max-age=10000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_response_headers: ['Age'],
          },
        ],
      },
      {
        id: 'cdn-date-update-exceed',
        name: 'Does the CDN preserve `Date` when `CDN-Cache-Control: max-age` exceeds `Cache-Control: max-age`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['CDN-Cache-Control', 'max-age=10000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_response_headers: [['Date', 0]],
          },
        ],
      },
      {
        id: 'cdn-expires-update-exceed',
        name: 'Does the CDN preserve `Expires` when `CDN-Cache-Control: max-age` exceeds `Cache-Control: max-age`?',
        kind: 'check',
        cdn_only: true,
        depends_on: ['cdn-max-age'],
        requests: [
          {
            response_headers: [
              ['Cache-Control', 'max-age=1'],
              ['Expires', 1],
              ['CDN-Cache-Control', 'max-age=10000'],
              ['Date', 0],
            ],
            setup: true,
            pause_after: true,
          },
          {
            expected_response_headers: [['Expires', 1]],
          },
        ],
      },
    ],
  },
  {
    id: 'interim',
    name: 'Interim Response Handling',
    tests: [
      {
        id: 'interim-102',
        name: 'An optimal HTTP cache passes a 102 response through and caches the final response',
        kind: 'optimal',
        browser_skip: true,
        requests: [
          {
            interim_responses: [[102]],
            expected_interim_responses: [[102]],
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
      {
        id: 'interim-103',
        name: 'An optimal HTTP cache passes a 103 response through and caches the final response',
        kind: 'optimal',
        browser_skip: true,
        requests: [
          {
            interim_responses: [
              [
                103,
                [
                  ['link', '</styles.css>; rel=preload; as=style'],
                  ['x-my-header', 'test'],
                ],
              ],
            ],
            expected_interim_responses: [
              [
                103,
                [
                  ['link', '</styles.css>; rel=preload; as=style'],
                  ['x-my-header', 'test'],
                ],
              ],
            ],
            response_headers: [
              ['Cache-Control', 'max-age=100000'],
              ['Date', 0],
            ],
            pause_after: true,
          },
          {
            expected_type: 'cached',
          },
        ],
      },
    ],
  },
];
