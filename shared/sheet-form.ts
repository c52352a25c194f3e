/**
 * A sheet's form as clerks lay it out (layouts.md): the top block above the header (titles, the
 * unit line), a header block of one to three rows with grouped columns, the data, and a footer
 * where people sign. Pure: a grid in, the parts found out.
 */
import { Cell, SheetGrid } from './workbook';
import { foldFullWidth } from './text';
import { MoneyUnit } from './values';

/** One column of a header block: its own label and the label of the group above it, if any. */
export interface HeaderColumn {
  label: string;
  parent: string;
}

export interface HeaderBlock {
  /** 0-based index of the block's first row. */
  index: number;
  /** Rows in the block: 1 for a plain header, 2 or 3 under grouped columns. */
  rows: number;
  columns: HeaderColumn[];
}

/** The sheet's name and the text cells of the rows above its header: where hints and titles are read. */
export function titleText(grid: SheetGrid, headerIndex: number): string {
  const parts = [grid.name];
  for (let r = 0; r < headerIndex; r++) for (const c of grid.rows[r] ?? []) if (typeof c === 'string') parts.push(c);
  return foldFullWidth(parts.join(' ')).toLowerCase();
}

export function cellText(c: Cell | undefined): string {
  if (typeof c === 'string') return c.trim();
  if (typeof c === 'number') return String(c);
  return '';
}

/**
 * The header block that starts at row `index`: the next row belongs to it when this one is a row
 * of grouped columns — a cell merged across two or more columns (a group) with two or more labels
 * of their own below it, and every other column merged down (or empty below) — and so on, up to
 * three rows. A title merged across the sheet (one text) or a form's label/value cells (one text
 * below each) are no groups. Each column is labelled by its lowest non-empty cell in the block; the
 * group above that cell is its parent. Merged ranges are filled (shared/read/merges.ts), so a cell
 * merged down through the block labels every row.
 */
export function headerBlockAt(grid: SheetGrid, index: number): HeaderBlock {
  let rows = 1;
  while (rows < 3 && groupsBelow(grid, index + rows - 1)) rows++;
  const width = Math.max(0, ...Array.from({ length: rows }, (_, k) => grid.rows[index + k]?.length ?? 0));
  const columns: HeaderColumn[] = [];
  for (let c = 0; c < width; c++) {
    let label = '';
    let at = -1;
    for (let k = rows - 1; k >= 0; k--) {
      const t = cellText(grid.rows[index + k]?.[c]);
      if (t !== '') {
        label = t;
        at = k;
        break;
      }
    }
    let parent = '';
    for (let k = at - 1; k >= 0; k--) {
      const t = cellText(grid.rows[index + k]?.[c]);
      if (t !== '' && t !== label) {
        parent = t;
        break;
      }
    }
    columns.push({ label, parent });
  }
  return { index, rows, columns };
}

/** Whether row `r` (0-based) is a row of grouped columns whose labels are in the row below. */
function groupsBelow(grid: SheetGrid, r: number): boolean {
  const row = grid.rows[r];
  const below = grid.rows[r + 1];
  if (!row || !below) return false;
  if (new Set(row.map(cellText).filter((t) => t !== '')).size < 2) return false;
  const groups = (grid.merges ?? []).filter((m) => m.top === r + 1 && m.bottom === r + 1 && m.right > m.left);
  const inGroup = new Set<number>();
  let any = false;
  for (const m of groups) {
    const text = cellText(row[m.left - 1]);
    const labels = new Set<string>();
    for (let c = m.left - 1; c < m.right; c++) {
      inGroup.add(c);
      const t = cellText(below[c]);
      if (t !== '' && t !== text) labels.add(t);
    }
    if (labels.size >= 2) any = true;
  }
  if (!any) return false;
  // Outside the groups a header's columns run down through the block (merged, or empty below).
  const width = Math.max(row.length, below.length);
  for (let c = 0; c < width; c++) {
    if (inGroup.has(c)) continue;
    const t = cellText(below[c]);
    if (t !== '' && t !== cellText(row[c])) return false;
  }
  return true;
}

// `单位：万元`, `金额单位:元`, `（单位：万元）`, `单位：人民币万元`, `Unit: 10,000 yuan`.
const UNIT_LINE = /单位\s*:\s*(?:人民币)?\s*(万元|元)/;
const UNIT_LINE_EN = /unit\s*:\s*(10,?000\s*yuan|yuan)/i;

/** The money unit a cell's text declares, as a unit line does. */
export function unitOfLine(text: string): MoneyUnit | null {
  const s = foldFullWidth(text);
  const m = UNIT_LINE.exec(s);
  if (m) return m[1] === '万元' ? '万元' : '元';
  const e = UNIT_LINE_EN.exec(s);
  if (e) return /10/.test(e[1]!) ? '万元' : '元';
  return null;
}

/**
 * The sheet's unit line: a cell above the header block, or in the header block outside the mapped
 * columns, that declares the money unit. The first found, top to bottom, left to right.
 */
export function sheetMoneyUnit(grid: SheetGrid, block: HeaderBlock, mappedCols: ReadonlySet<number>): MoneyUnit | null {
  for (let r = 0; r < block.index + block.rows; r++) {
    const row = grid.rows[r] ?? [];
    for (let c = 0; c < row.length; c++) {
      if (r >= block.index && mappedCols.has(c)) continue;
      const t = row[c];
      if (typeof t !== 'string') continue;
      const u = unitOfLine(t);
      if (u) return u;
    }
  }
  return null;
}

const FOOTER_LABELS = ['制表人', '制表', '填表人', '填报人', '编制人', '审核人', '审核', '复核人', '复核', '负责人', '单位负责人', '财务负责人', '分管领导', '经办人', '填报日期', '填表日期', '制表日期', '报送日期', '说明', '填表说明', '注:'];

/** Whether a row begins a footer: its first non-empty cell starts with a signature or note label. */
export function isFooterRow(cells: ReadonlyArray<Cell> | undefined): boolean {
  if (!cells) return false;
  for (const c of cells) {
    const t = cellText(c);
    if (t === '') continue;
    const s = foldFullWidth(t).replace(/\s+/g, '');
    return FOOTER_LABELS.some((l) => s.startsWith(l));
  }
  return false;
}

/** The 0-based index of the footer's first row below `from`, or null when the sheet has none. */
export function footerIndex(grid: SheetGrid, from: number): number | null {
  for (let r = from; r < grid.rows.length; r++) if (isFooterRow(grid.rows[r])) return r;
  return null;
}
