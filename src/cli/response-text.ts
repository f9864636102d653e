import { parseCacheStatus } from '../core/cache-status.ts';
import { formatBytes, formatElapsed, formatRate } from './format.ts';
import type { Colors } from './io.ts';

/**
 * What `httpcache get` says about a response: its head for `-i`, and the one line after the body.
 *
 * @module
 */

/** The status line and header fields, as `-i` prints them, ending with an empty line. */
export function responseHead(response: Response): string {
  const lines = [`${response.status} ${response.statusText}`.trimEnd()];
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') lines.push(`${name}: ${value}`);
  }
  for (const cookie of response.headers.getSetCookie()) lines.push(`set-cookie: ${cookie}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * One line: status, size, time and speed, and `Cache-Status`, e.g.
 * `200 OK · 50.0 MiB in 1.2 s (41.7 MiB/s) · httpcache; hit; ttl=3599`.
 */
export function summaryLine(
  response: Response,
  bytes: number,
  elapsed: number,
  colors: Colors,
): string {
  const status = `${response.status} ${response.statusText}`.trimEnd();
  const paint =
    response.status >= 400 ? colors.red : response.status >= 300 ? colors.yellow : colors.green;
  const transfer = `${formatBytes(bytes)} in ${formatElapsed(elapsed)} (${formatRate(bytes, elapsed)})`;
  const cacheStatus = response.headers.get('cache-status');
  const parts = [colors.bold(paint(status)), transfer];
  if (cacheStatus !== null) parts.push(paintCacheStatus(cacheStatus, colors));
  return parts.join(colors.dim(' · '));
}

function paintCacheStatus(value: string, colors: Colors): string {
  const ours = parseCacheStatus(value).at(-1);
  if (ours === undefined) return value;
  if (ours.hit === true) return colors.green(value);
  return colors.yellow(value);
}
