/** In-memory sheets for tests: rows of cells, row 1 first. */
import { Cell, CellRange, SheetGrid, dateCell, errorCell } from '../../shared/workbook';
import { fillMerges, parseRange } from '../../shared/read/merges';
import { checkWorkbook, CheckOptions, CheckResult } from '../../shared/check';
import { Finding } from '../../shared/findings';

export function grid(name: string, rows: Cell[][]): SheetGrid {
  return { name, rows };
}

/** Excel serial of a calendar date. */
export function serial(y: number, m: number, d: number): number {
  return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

export const D = (y: number, m: number, d: number) => dateCell(serial(y, m, d));
export const ERR = (t: string) => errorCell(t);

export const PURCHASE_HEADER: Cell[] = ['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式', '变更批复'];

/** A purchase row in PURCHASE_HEADER order, with sensible defaults. */
export function purchaseRow(over: Partial<Record<string, Cell>> = {}): Cell[] {
  const base: Record<string, Cell> = {
    id: 'HT-1', plan: 'JH-1', date: D(2024, 3, 5), dept: '办公室', code: 'A02010105', name: '台式计算机',
    qty: 2, price: 5000, amount: 10000, method: '协议采购', ref: null,
  };
  const v = { ...base, ...over };
  return [v.id!, v.plan!, v.date!, v.dept!, v.code!, v.name!, v.qty!, v.price!, v.amount!, v.method!, v.ref!].map((c) => c ?? null);
}

export function check(grids: SheetGrid[], opts: CheckOptions = { asOf: '2024-06' }): CheckResult {
  return checkWorkbook(grids, opts);
}

/** Findings as `CODE@sheet!A1` (or `CODE@sheet!row` / `CODE@sheet`) for compact assertions. */
export function where(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code}@${f.sheet ?? ''}${f.row !== undefined ? '!' + (f.column ?? '') + f.row : ''}`);
}

/** Rows with trailing empties dropped and holes as null: the grid as a user sees it. */
export function plainRows(g: SheetGrid): (Cell[] | null)[] {
  const out = Array.from(g.rows, (r) => {
    if (!r) return null;
    const a = Array.from(r, (c) => (c === undefined ? null : c));
    while (a.length && a[a.length - 1] === null) a.pop();
    return a.length ? a : null;
  });
  while (out.length && out[out.length - 1] === null) out.pop();
  return out;
}


/** A sheet as a file reader gives it: empty text as empty, merged ranges (A1 refs) filled from their top-left. */
export function formGrid(name: string, rows: readonly (readonly (Cell | undefined)[])[], merges: readonly string[] = []): SheetGrid {
  const copy: Cell[][] = rows.map((r) => r.map((c) => (c === '' || c === undefined ? null : c)));
  const ranges = merges.map((m) => parseRange(m)!) as CellRange[];
  fillMerges(copy, ranges);
  return { name, rows: copy, merges: ranges };
}
