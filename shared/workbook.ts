/**
 * The workbook as the core sees it: sheets of cell values. Two adapters implement it — the file
 * reader of shared/read (every format, in Node and in a browser) and Office.js in the add-in — so
 * the same core reads either.
 */

/** An Excel date: the serial number of the 1900 date system (days since 1899-12-30, time as fraction). */
export interface DateCell {
  readonly kind: 'date';
  readonly serial: number;
}

/** An Excel error value such as `#N/A` or `#REF!`. */
export interface ErrorCell {
  readonly kind: 'error';
  readonly text: string;
}

/** One cell as Excel shows it: formulas already replaced by their cached results. */
export type Cell = null | string | number | boolean | DateCell | ErrorCell;

/** A rectangle of cells, 1-based and inclusive, as Excel numbers rows and columns. */
export interface CellRange {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface SheetGrid {
  readonly name: string;
  /**
   * rows[i][j] is the cell at Excel row i + 1, column j + 1; missing entries are empty. A merged
   * range reads as its top-left value in every cell it covers (shared/read/merges.ts).
   */
  readonly rows: ReadonlyArray<ReadonlyArray<Cell> | undefined>;
  /** The merged ranges as ranges (headers of grouped columns are found through them). */
  readonly merges?: ReadonlyArray<CellRange>;
  /** A hidden or very hidden sheet: still read. */
  readonly hidden?: boolean;
  /**
   * Number format codes of cells whose format is not General, where the reader keeps them (the
   * full reader does: a workbook converted to .xlsx keeps how its numbers were shown).
   */
  readonly formats?: ReadonlyArray<ReadonlyArray<string | undefined> | undefined>;
}

export interface WorkbookSource {
  /** Sheet names in workbook order, hidden sheets included. */
  sheetNames(): Promise<string[]>;
  readSheet(name: string): Promise<SheetGrid>;
}

export async function readAllSheets(book: WorkbookSource): Promise<SheetGrid[]> {
  const out: SheetGrid[] = [];
  for (const name of await book.sheetNames()) out.push(await book.readSheet(name));
  return out;
}

export function dateCell(serial: number): DateCell {
  return { kind: 'date', serial };
}

export function errorCell(text: string): ErrorCell {
  return { kind: 'error', text };
}

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30 (serial 0 of the 1900 system, past its fake 1900-02-29) to 1970-01-01. */
const EPOCH_OFFSET = 25_569;

/** A JS Date as read from .xlsx (its UTC fields are the cell's wall-clock date) to a serial. */
export function serialOfUtcDate(d: Date): number {
  return d.getTime() / MS_PER_DAY + EPOCH_OFFSET;
}

/** Column letter(s) of a 1-based column number: 1 → A, 27 → AA. */
export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** 1-based column number of column letter(s), either case: A → 1, AA → 27. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + ((letters.charCodeAt(i) | 32) - 96);
  return n;
}
