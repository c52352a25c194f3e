/**
 * Every format but the fast .xlsx path, through SheetJS (`@e965/xlsx`, the registry's copy of
 * SheetJS CE 0.20.3, Apache-2.0): .xls (BIFF8, BIFF5, BIFF2–4), WPS .et, .ods, SpreadsheetML 2003
 * and HTML tables saved as .xls by web systems; and .xlsx that the fast path cannot read.
 */
import * as XLSX from '@e965/xlsx';
import { Cell, CellRange, SheetGrid, dateCell, errorCell } from '../workbook';
import { ReadError } from './read-error';
import { isDateFormatCode } from './number-formats';
import { fillMerges } from './merges';
import { MAX_CELLS, SheetEntry, DefinedName } from './book-parts';

/** BIFF error codes, as SheetJS keeps them in an error cell's value. */
export const BIFF_ERRORS: Record<number, string> = { 0x00: '#NULL!', 0x07: '#DIV/0!', 0x0f: '#VALUE!', 0x17: '#REF!', 0x1d: '#NAME?', 0x24: '#NUM!', 0x2a: '#N/A', 0x2b: '#GETTING_DATA' };

export class SheetJsBook {
  readonly sheets: SheetEntry[];
  readonly definedNames: DefinedName[];
  private readonly dateOffset: number;

  private constructor(private readonly wb: XLSX.WorkBook) {
    const meta = wb.Workbook?.Sheets ?? [];
    this.sheets = wb.SheetNames.map((name, i) => ({ name, hidden: (meta[i]?.Hidden ?? 0) > 0, part: name }));
    this.definedNames = (wb.Workbook?.Names ?? []).map((n) => ({ name: n.Name, ref: n.Ref }));
    this.dateOffset = wb.Workbook?.WBProps?.date1904 ? 1462 : 0;
  }

  /** Reads a workbook; `text` for HTML and SpreadsheetML already decoded, whose cells stay text. */
  static open(data: Uint8Array | string): SheetJsBook {
    const opts: XLSX.ParsingOptions = { dense: true, cellDates: false, cellNF: true, cellStyles: false, cellText: false, cellFormula: false, cellHTML: false, sheetStubs: false, bookVBA: false, WTF: false };
    let wb: XLSX.WorkBook;
    try {
      wb = quietly(() => (typeof data === 'string' ? XLSX.read(data, { ...opts, type: 'string', raw: true }) : XLSX.read(data, { ...opts, type: 'array' })));
    } catch (e) {
      if (e instanceof ReadError) throw e;
      throw new ReadError(/password|encrypt/i.test(String((e as Error)?.message)) ? 'password' : 'damaged');
    }
    if (!wb || !Array.isArray(wb.SheetNames) || wb.SheetNames.length === 0) throw new ReadError('damaged');
    return new SheetJsBook(wb);
  }

  readSheet(entry: SheetEntry): SheetGrid {
    const ws = this.wb.Sheets[entry.name] as XLSX.WorkSheet | undefined;
    const data = (ws?.['!data'] ?? []) as (XLSX.CellObject[] | undefined)[];
    const rows: Cell[][] = [];
    const formats: (string | undefined)[][] = [];
    let cells = 0;
    for (let r = 0; r < data.length; r++) {
      const src = data[r];
      if (!src) continue;
      let out: Cell[] | undefined;
      for (let c = 0; c < src.length; c++) {
        const cell = src[c];
        if (!cell) continue;
        const v = this.cell(cell);
        if (v === null) continue;
        out ??= rows[r] = [];
        while (out.length < c) out.push(null);
        out[c] = v;
        if (typeof cell.z === 'string' && cell.z !== 'General' && (typeof v === 'number' || (typeof v === 'object' && v.kind === 'date'))) (formats[r] ??= [])[c] = cell.z;
        if (++cells > MAX_CELLS) throw new ReadError('tooLarge', { limit: 'cells' });
      }
    }
    const merges: CellRange[] = ((ws?.['!merges'] ?? []) as XLSX.Range[]).map((m) => ({ top: m.s.r + 1, left: m.s.c + 1, bottom: m.e.r + 1, right: m.e.c + 1 }));
    fillMerges(rows, merges);
    return { name: entry.name, rows, merges, hidden: entry.hidden, formats };
  }

  private cell(c: XLSX.CellObject): Cell {
    switch (c.t) {
      case 'n': {
        const n = c.v as number;
        if (typeof n !== 'number' || !Number.isFinite(n)) return null;
        return typeof c.z === 'string' && n >= 0 && isDateFormatCode(c.z) ? dateCell(n + this.dateOffset) : n;
      }
      case 's':
        return c.v === '' || c.v === undefined ? null : String(c.v);
      case 'b':
        return Boolean(c.v);
      case 'e':
        return errorCell(BIFF_ERRORS[c.v as number] ?? '#N/A');
      case 'd': {
        const d = c.v instanceof Date ? c.v : new Date(String(c.v));
        return Number.isNaN(d.getTime()) ? null : dateCell(d.getTime() / 86_400_000 + 25_569);
      }
      default:
        return null;
    }
  }
}

/** SheetJS writes warnings (`ODS number format may be incorrect`) to the console: never the user's screen. */
function quietly<T>(f: () => T): T {
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  const mute = () => undefined;
  console.log = console.warn = console.error = console.info = mute;
  try {
    return f();
  } finally {
    Object.assign(console, saved);
  }
}
