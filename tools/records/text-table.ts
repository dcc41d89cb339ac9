/** Plain aligned text for a terminal: a few lines here beat a table library. */

export type Alignment = 'left' | 'right';

// C0/C1 control characters: a stored field is whatever a caller sent, and must not steer the terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A value made safe and single-line for a terminal cell: control characters shown as escapes. */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    return `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

function width(text: string): number {
  // Code points, not UTF-16 units, so an emoji in a tag does not shift the columns by one.
  return [...text].length;
}

function pad(text: string, size: number, align: Alignment): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Rows as aligned columns, two spaces apart, trailing spaces trimmed. The first row is usually the header;
 * columns not in `align` are left-aligned.
 */
export function renderTable(rows: readonly (readonly string[])[], align: readonly Alignment[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [column, cell] of row.entries()) widths[column] = Math.max(widths[column] ?? 0, width(cell));
  }
  return rows.map((row) =>
    row
      .map((cell, column) => pad(cell, widths[column] ?? 0, align[column] ?? 'left'))
      .join('  ')
      .trimEnd(),
  );
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar, `value / max` of `cells` wide, to an eighth of a cell; any non-zero value shows. */
export function bar(value: number, max: number, cells = 30): string {
  if (value <= 0 || max <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * cells * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

/** At most `size` code points, with an ellipsis when cut. */
export function truncate(text: string, size: number): string {
  const points = [...text];
  return points.length <= size ? text : `${points.slice(0, size - 1).join('')}…`;
}
