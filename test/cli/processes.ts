import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';

/**
 * Helpers for tests that drive `httpcache proxy` processes: their standard error line by line,
 * and requests on connections of their own.
 *
 * @module
 */

/** A child's standard error, read line by line. */
export class Lines {
  readonly #lines: string[] = [];
  readonly #waiting = new Set<() => void>();
  #rest = '';

  constructor(child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      const parts = (this.#rest + chunk.toString()).split('\n');
      this.#rest = parts.pop() ?? '';
      this.#lines.push(...parts);
      for (const wake of this.#waiting) wake();
    });
  }

  /** Every line so far. */
  get all(): readonly string[] {
    return this.#lines;
  }

  /** The first line at or after `from` that matches, once it has been written. */
  next(pattern: RegExp, from = 0): Promise<{ match: RegExpExecArray; index: number }> {
    return new Promise((resolve) => {
      const look = (): void => {
        for (let index = from; index < this.#lines.length; index++) {
          const match = pattern.exec(this.#lines[index] ?? '');
          if (match !== null) {
            this.#waiting.delete(look);
            resolve({ match, index });
            return;
          }
        }
      };
      this.#waiting.add(look);
      look();
    });
  }
}

/** A GET on a connection of its own (so that the cluster hands each to the next worker). */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
