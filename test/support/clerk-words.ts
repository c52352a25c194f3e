/**
 * What a clerk reads in a written sheet (analysis.md "Display"), checked cell by cell: no internal
 * key, no English word in a Chinese sheet but those quoted from the ledger (on the workbook as the
 * project's reader gives it back), and no number wider than its column once formatted (through
 * SheetJS, since the project's reader keeps no column widths).
 */
import * as XLSX from '@e965/xlsx';
import { SheetGrid } from '../../shared/workbook';
import { readWorkbookFile } from '../../cli/read-workbook';

/** A written workbook as the project's reader reads it: every sheet, ledger-sync's own analysis sheets included. */
export async function readBack(file: string): Promise<SheetGrid[]> {
  const book = await readWorkbookFile(file, 'zh');
  return Promise.all(book.sheets.map((s) => book.readSheet(s.name)));
}

/** The text cells of a grid with their addresses. */
function* textCells(g: SheetGrid): Generator<[string, string]> {
  for (const [i, row] of g.rows.entries()) {
    for (const [j, c] of (row ?? []).entries()) if (typeof c === 'string') yield [XLSX.utils.encode_cell({ r: i, c: j }), c];
  }
}

/** A SheetJS sheet's cells with their addresses. */
export const cellsOf = (ws: XLSX.WorkSheet) => Object.entries(ws).filter(([k]) => !k.startsWith('!')).map(([k, c]) => [k, c as XLSX.CellObject] as const);

/** Every word of three letters or more in a workbook's cells and sheet names: what the ledger itself says. */
export function wordsOfBook(grids: readonly SheetGrid[], extra: string[] = []): Set<string> {
  const words = new Set<string>();
  const add = (s: string) => {
    for (const m of s.matchAll(/[A-Za-z]{3,}/g)) words.add(m[0]);
  };
  for (const g of grids) {
    add(g.name);
    for (const [, text] of textCells(g)) add(text);
  }
  extra.forEach(add);
  return words;
}

/**
 * Cells of `sheets` in a Chinese workbook that hold an internal key (`voucher_no`, `push_open`) or an
 * English word the ledger (`quoted`) does not: `sheet!cell "text"` each.
 */
export function englishInChinese(grids: readonly SheetGrid[], sheets: string[], quoted: Set<string>): string[] {
  const out: string[] = [];
  for (const name of sheets) {
    const g = grids.find((x) => x.name === name);
    if (!g) throw new Error(`no sheet ${name} in the workbook read back`);
    for (const [addr, text] of textCells(g)) {
      if (/\b[a-z]+_[a-z_]+\b/.test(text) || /[{}]|"[a-z_]+":/.test(text)) {
        out.push(`${name}!${addr} "${text}" (an internal key or JSON)`);
        continue;
      }
      const foreign = [...text.matchAll(/[A-Za-z]{3,}/g)].map((m) => m[0]).filter((w) => !quoted.has(w));
      if (foreign.length > 0) out.push(`${name}!${addr} "${text}" (${foreign.join(', ')})`);
    }
  }
  return out;
}

/** Width in Excel's character units: a CJK character takes two. */
const displayWidth = (s: string) => [...s].reduce((n, ch) => n + (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);

/**
 * Numeric cells of `sheets` whose formatted text (their own number format) is wider than their
 * column: what LibreOffice and Excel print as ###. The workbook must be read with cellStyles and cellNF.
 */
export function numbersWiderThanColumns(wb: XLSX.WorkBook, sheets: string[]): string[] {
  const out: string[] = [];
  for (const name of sheets) {
    const ws = wb.Sheets[name]!;
    const cols = ws['!cols'] ?? [];
    for (const [addr, c] of cellsOf(ws)) {
      if (c.t !== 'n' || typeof c.v !== 'number') continue;
      const shown = XLSX.SSF.format((c.z as string | undefined) ?? 'General', c.v);
      const col = cols[XLSX.utils.decode_cell(addr).c];
      // Excel's default column: 8.43 characters.
      const width = col?.width ?? (col?.wch !== undefined ? col.wch + 0.83 : 8.43);
      // A cell needs its text and a little padding on either side.
      if (displayWidth(shown) + 1 > width) out.push(`${name}!${addr} "${shown}" in a column ${width} wide`);
    }
  }
  return out;
}
