/**
 * A workbook read from another format (.xls, .et, .ods, .csv, a web export) written as a new .xlsx:
 * its sheets as read — values, number formats, merged ranges, hidden state — so that the analysis
 * sheets can be added beside them. Written through SheetJS, which reads those formats too.
 */
import * as XLSX from '@e965/xlsx';
import { Cell, SheetGrid } from '../workbook';
import { BIFF_ERRORS } from '../read/sheetjs-reader';

const DATE_FORMAT = 'yyyy-mm-dd';
const ERROR_CODES: Record<string, number> = Object.fromEntries(Object.entries(BIFF_ERRORS).map(([code, text]) => [text, Number(code)]));

export function ledgerSheetsXlsx(grids: readonly SheetGrid[]): Uint8Array {
  const wb = XLSX.utils.book_new();
  const hidden: { Hidden: 0 | 1 }[] = [];
  for (const g of grids) {
    const data: (XLSX.CellObject | undefined)[][] = [];
    let lastCol = 0;
    g.rows.forEach((row, r) => {
      if (!row) return;
      const out: (XLSX.CellObject | undefined)[] = (data[r] = []);
      row.forEach((v, c) => {
        const cell = cellObject(v, g.formats?.[r]?.[c]);
        if (cell) { out[c] = cell; lastCol = Math.max(lastCol, c); }
      });
    });
    const ws: XLSX.WorkSheet = { '!data': data } as unknown as XLSX.WorkSheet;
    ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(g.rows.length - 1, 0), c: lastCol } });
    // Filled for reading, a merged range is written back as a range showing its top-left value.
    if (g.merges?.length) ws['!merges'] = g.merges.map((m) => ({ s: { r: m.top - 1, c: m.left - 1 }, e: { r: m.bottom - 1, c: m.right - 1 } }));
    XLSX.utils.book_append_sheet(wb, ws, g.name);
    hidden.push({ Hidden: g.hidden ? 1 : 0 });
  }
  wb.Workbook = { Sheets: hidden };
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: true }) as ArrayBuffer);
}

function cellObject(v: Cell | undefined, format: string | undefined): XLSX.CellObject | undefined {
  if (v === null || v === undefined) return undefined;
  switch (typeof v) {
    case 'string':
      return { t: 's', v };
    case 'number':
      return format ? { t: 'n', v, z: format } : { t: 'n', v };
    case 'boolean':
      return { t: 'b', v };
  }
  if (v.kind === 'date') return { t: 'n', v: v.serial, z: format ?? DATE_FORMAT };
  return { t: 'e', v: ERROR_CODES[v.text] ?? 0x2a, w: v.text };
}
