import { stripVTControlCharacters } from 'node:util';

/**
 * Aligned columns for a terminal, sized by what they hold, colour codes not counted.
 *
 * @module
 */

/** A column: its heading and which side its cells align to. */
export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
}

/**
 * The rows as lines of aligned columns under a heading, two spaces apart; the last column is not
 * padded, so long values such as URLs can go there.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  heading: (title: string) => string = (title) => title,
): string[] {
  const widths = columns.map((column, i) =>
    Math.max(column.title.length, ...rows.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[], style: (cell: string) => string): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const last = i === columns.length - 1;
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleWidth(cell)));
        if (column.align === 'right') return pad + style(cell);
        return last ? style(cell) : style(cell) + pad;
      })
      .join('  ');
  return [
    line(
      columns.map((c) => c.title),
      heading,
    ),
    ...rows.map((row) => line(row, (c) => c)),
  ];
}

function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}
