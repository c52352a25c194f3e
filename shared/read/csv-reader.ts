/**
 * A CSV (or tab-separated) file as one sheet of text cells: values are parsed by the core, as typed
 * cells are, so `001` keeps its zeros and `2024年3月5日` is read as values.md says.
 */
import { Cell } from '../workbook';
import { ReadError } from './read-error';
import { MAX_CELLS } from './book-parts';

/** The separator of the first line that has one, outside quotes: comma, tab or semicolon. */
export function detectSeparator(text: string): string {
  const line = firstLine(text);
  let best = ',';
  let most = 0;
  for (const sep of [',', '\t', ';']) {
    const n = countOutsideQuotes(line, sep);
    if (n > most) { best = sep; most = n; }
  }
  return best;
}

/** RFC 4180: quoted fields, doubled quotes, line breaks inside quotes, CRLF, LF or CR line ends. */
export function parseDelimited(text: string, sep = detectSeparator(text)): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let cells = 0;
  const n = text.length;
  const sepCode = sep.charCodeAt(0);
  let i = 0;
  const push = (v: string) => {
    row.push(v === '' ? null : v);
    if (++cells > MAX_CELLS) throw new ReadError('tooLarge', { limit: 'cells' });
  };
  const endRow = () => {
    rows.push(row.every((c) => c === null) ? [] : row);
    row = [];
  };
  while (i < n) {
    if (text.charCodeAt(i) === 34) {
      let v = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) { v += text.slice(i); i = n; break; }
        v += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) { v += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      // Text after the closing quote up to the separator belongs to the field, as Excel reads it.
      let k = i;
      while (k < n && text.charCodeAt(k) !== sepCode && text.charCodeAt(k) !== 10 && text.charCodeAt(k) !== 13) k++;
      v += text.slice(i, k);
      i = k;
      push(v);
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === sepCode || c === 10 || c === 13) break;
        k++;
      }
      push(text.slice(i, k));
      i = k;
    }
    const c = text.charCodeAt(i);
    if (c === sepCode) {
      i++;
      if (i === n) push('');
    } else if (c === 13 || c === 10) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      endRow();
    }
  }
  if (row.length > 0) endRow();
  while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows.pop();
  return rows;
}

function firstLine(text: string): string {
  for (const line of text.split(/\r\n|\n|\r/, 20)) if (line.trim() !== '') return line;
  return '';
}

function countOutsideQuotes(line: string, sep: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === sep && !quoted) n++;
  }
  return n;
}
