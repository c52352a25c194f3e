/**
 * The one rule for merged cells: every cell of a merged range reads as its top-left value. The
 * ranges stay on the grid as ranges; filling is bounded by the cells that hold values, so a range
 * over the whole sheet, or 100,000 ranges, cost no more than the sheet's own data.
 */
import { Cell, CellRange, columnNumber } from '../workbook';

/** Fills merged ranges in place: rows that hold values (or lie between them), columns up to the widest row. */
export function fillMerges(rows: (Cell[] | undefined)[], merges: readonly CellRange[]): void {
  if (merges.length === 0) return;
  let width = 0;
  let cells = 0;
  for (const r of rows) if (r) { width = Math.max(width, r.length); cells += r.length; }
  // However the ranges overlap or stretch, filling never writes more than this many cells.
  let budget = 2 * cells + 1_000_000;
  for (const m of merges) {
    const origin = rows[m.top - 1]?.[m.left - 1];
    if (origin === null || origin === undefined) continue;
    const bottom = Math.min(m.bottom, rows.length);
    const right = Math.min(m.right, Math.max(width, m.left));
    for (let r = m.top; r <= bottom; r++) {
      const row = rows[r - 1] ?? (rows[r - 1] = []);
      while (row.length < right) row.push(null);
      for (let c = m.left; c <= right; c++) {
        if (r === m.top && c === m.left) continue;
        row[c - 1] = origin;
        if (--budget <= 0) return;
      }
    }
  }
}

/** `B2:D5` → a range; a single cell `B2` is a range of one. Undefined when not a reference. */
export function parseRange(ref: string): CellRange | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$/.exec(ref.trim());
  if (!m) return undefined;
  const left = columnNumber(m[1]!);
  const top = +m[2]!;
  const right = m[3] ? columnNumber(m[3]) : left;
  const bottom = m[4] ? +m[4] : top;
  if (top < 1 || left < 1) return undefined;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}
