/**
 * The workbook as the core sees it: sheets of cell values. Two adapters implement it — exceljs in
 * the CLI and server, Office.js in the add-in — so the same core reads either.
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

export interface SheetGrid {
  readonly name: string;
  /** rows[i][j] is the cell at Excel row i + 1, column j + 1; missing entries are empty. */
  readonly rows: ReadonlyArray<ReadonlyArray<Cell> | undefined>;
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
