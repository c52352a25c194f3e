/** Writes small .xlsx fixtures with exceljs, the way clerks' workbooks really hold their cells. */
import ExcelJS from 'exceljs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';

export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ledger-sync-test-'));
}

export type SheetSpec = { name: string; rows: unknown[][]; state?: 'visible' | 'hidden' | 'veryHidden'; build?: (ws: ExcelJS.Worksheet) => void };

export async function writeXlsx(file: string, sheets: SheetSpec[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, { state: s.state ?? 'visible' });
    s.rows.forEach((r, i) => {
      ws.getRow(i + 1).values = r as ExcelJS.CellValue[];
    });
    s.build?.(ws);
  }
  await wb.xlsx.writeFile(file);
  return file;
}
