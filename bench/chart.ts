/**
 * `--chart`: the ratios that have a place in the chart (`chart` on a figure), drawn as horizontal
 * bars, one group of bars per row, against the row's baseline at 1x (the cost of the same work
 * without the cache, or the least a cache of that kind can do), with the target where it has one.
 * Plain SVG text, written without dependencies.
 */
import type { Figure } from './harness.ts';

const WIDTH = 760;
const LABEL = 230;
const BAR = 16;
const GAP = 4;
const ROW_GAP = 26;
const TOP = 76;
/** The scale: bars longer than this many times the baseline are cut, their value still shown. */
const MAX_RATIO = 4;

const COLORS: Record<string, string> = { httpcache: '#2563eb' };
const OTHER = '#9ca3af';

/** The SVG text of a chart of `figures` (those with a `chart` place), titled `title`. */
export function chart(figures: readonly Figure[], title: string): string {
  const rows = new Map<string, Figure[]>();
  for (const figure of figures) {
    if (figure.chart === undefined || !Number.isFinite(figure.value)) continue;
    const row = rows.get(figure.chart.row) ?? [];
    row.push(figure);
    rows.set(figure.chart.row, row);
  }
  const plot = WIDTH - LABEL - 110;
  const x = (ratio: number): number => LABEL + (Math.min(ratio, MAX_RATIO) / MAX_RATIO) * plot;
  const parts: string[] = [];
  let y = TOP;
  for (const [row, bars] of rows) {
    parts.push(text(16, y - 6, row, 'row'));
    for (const bar of bars) {
      const name = bar.chart?.bar ?? '';
      const color = name.startsWith('httpcache') ? COLORS.httpcache : OTHER;
      const end = x(bar.value);
      parts.push(
        text(LABEL - 8, y + BAR - 4, name, 'name'),
        `<rect x="${LABEL}" y="${y}" width="${(end - LABEL).toFixed(1)}" height="${BAR}" fill="${color}"/>`,
        text(
          end + 4,
          y + BAR - 4,
          `${bar.value.toFixed(2)}x${bar.value > MAX_RATIO ? ' (cut)' : ''}`,
          'value',
        ),
      );
      if (bar.target !== undefined) {
        const at = x(bar.target).toFixed(1);
        parts.push(
          `<line x1="${at}" x2="${at}" y1="${y - 2}" y2="${y + BAR + 2}" stroke="#dc2626" stroke-width="2"/>`,
        );
      }
      y += BAR + GAP;
    }
    y += ROW_GAP;
  }
  const height = y + 10;
  const ticks = [1, 2, 3, 4]
    .map((ratio) => {
      const at = x(ratio).toFixed(1);
      const dash = ratio === 1 ? '' : ' stroke-dasharray="3 3"';
      return `<line x1="${at}" x2="${at}" y1="${TOP - 22}" y2="${height - 10}" stroke="#6b7280"${dash}/>${text(Number(at), TOP - 26, `${ratio}x`, 'tick')}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12" role="img" aria-labelledby="title">
<title id="title">${escaped(title)}</title>
<style>.row{font-weight:600}.name{text-anchor:end}.tick{text-anchor:middle;fill:#374151}.value{fill:#111827}</style>
<rect width="100%" height="100%" fill="#ffffff"/>
${text(16, 20, title, 'row')}
${text(16, 38, 'time per request, in multiples of the baseline (lower is better); red mark: the target', 'legend')}
${ticks}
${parts.join('\n')}
</svg>
`;
}

function text(x: number, y: number, content: string, kind: string): string {
  const anchor = kind === 'legend' ? ' fill="#4b5563"' : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" class="${kind}"${anchor}>${escaped(content)}</text>`;
}

function escaped(content: string): string {
  return content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
