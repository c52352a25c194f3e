/** The workbook interface over .xlsx files, through exceljs. */
import { promises as fs } from 'node:fs';
import ExcelJS from 'exceljs';
import { Cell, SheetGrid, WorkbookSource, dateCell, errorCell, serialOfUtcDate } from '../shared/workbook';
import { keyOfMarkName, sheetOfMarkReference } from '../shared/sheet-layout';

/** A workbook that cannot be opened: the message is the one line the user sees. */
export class WorkbookOpenError extends Error {}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
// Encrypted OOXML is an OLE compound file holding an "EncryptionInfo" stream (names are UTF-16LE).
const ENCRYPTION_INFO = Buffer.from('EncryptionInfo', 'utf16le');

export async function openXlsx(path: string): Promise<XlsxWorkbook> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WorkbookOpenError(`file not found: ${path}`);
    if (code === 'EISDIR') throw new WorkbookOpenError(`not a file but a folder: ${path}`);
    throw new WorkbookOpenError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (buf.subarray(0, 8).equals(OLE_MAGIC)) {
    if (buf.includes(ENCRYPTION_INFO)) {
      throw new WorkbookOpenError(`${path} is password-protected: open it in Excel, remove the password (File → Info → Protect Workbook) and save it again`);
    }
    throw new WorkbookOpenError(`${path} is an Excel 97-2003 (.xls) workbook: save it as .xlsx in Excel first`);
  }
  if (!buf.subarray(0, 4).equals(ZIP_MAGIC)) throw new WorkbookOpenError(`${path} is not an .xlsx workbook`);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    throw new WorkbookOpenError(`${path} is damaged and cannot be read as .xlsx (${firstLine((e as Error).message)})`);
  }
  return new XlsxWorkbook(wb, buf);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

export class XlsxWorkbook implements WorkbookSource {
  constructor(
    readonly workbook: ExcelJS.Workbook,
    /** The file as read, for writers that keep every part of it. */
    readonly bytes: Buffer,
  ) {}

  /** The ledger sheets: analysis sheets ledger-sync wrote earlier (marked by a hidden name) are not ledgers. */
  async sheetNames(): Promise<string[]> {
    const ours = new Set<string>();
    for (const n of this.workbook.definedNames.model as { name: string; ranges: string[] }[]) {
      if (keyOfMarkName(n.name) === null) continue;
      for (const r of n.ranges) {
        const sheet = sheetOfMarkReference(r);
        if (sheet !== null) ours.add(sheet);
      }
    }
    return this.workbook.worksheets.map((ws) => ws.name).filter((n) => !ours.has(n));
  }

  async readSheet(name: string): Promise<SheetGrid> {
    const ws = this.workbook.getWorksheet(name);
    if (!ws) throw new WorkbookOpenError(`no sheet named "${name}"`);
    return gridOfWorksheet(ws);
  }
}

/** Every row, hidden ones included; merged cells read their top-left value (exceljs's merge proxies). */
export function gridOfWorksheet(ws: ExcelJS.Worksheet): SheetGrid {
  const rows: Cell[][] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as unknown[];
    const out: Cell[] = new Array(Math.max(values.length - 1, 0)).fill(null);
    for (let i = 1; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined && v !== null) out[i - 1] = cellOf(v);
    }
    rows[rowNumber - 1] = out;
  });
  return { name: ws.name, rows };
}

/** exceljs cell value → the core's Cell: formulas as their cached result, rich text as plain text. */
export function cellOf(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : dateCell(serialOfUtcDate(v));
  const o = v as Record<string, unknown>;
  if ('formula' in o || 'sharedFormula' in o) return 'result' in o ? cellOf(o.result) : null;
  if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
  if (typeof o.error === 'string') return errorCell(o.error);
  if ('text' in o) return cellOf(o.text); // hyperlink cells: {text, hyperlink}
  return null;
}
