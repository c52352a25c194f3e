/**
 * What a clerk reads in a written sheet (analysis.md "Display"), checked cell by cell on the
 * workbook as the project's reader gives it back: no internal key, no English word in a Chinese
 * sheet but those quoted from the ledger, and no number wider than its column once formatted.
 */
import * as XLSX from '@e965/xlsx';

const cellsOf = (ws: XLSX.WorkSheet) => Object.entries(ws).filter(([k]) => !k.startsWith('!')).map(([k, c]) => [k, c as XLSX.CellObject] as const);

/** Every word of three letters or more in a workbook's cells and sheet names: what the ledger itself says. */
export function wordsOfBook(wb: XLSX.WorkBook, extra: string[] = []): Set<string> {
  const words = new Set<string>();
  const add = (s: string) => {
    for (const m of s.matchAll(/[A-Za-z]{3,}/g)) words.add(m[0]);
  };
  for (const name of wb.SheetNames) {
    add(name);
    for (const [, c] of cellsOf(wb.Sheets[name]!)) if (c.v !== undefined && c.v !== null) add(String(c.v));
  }
  extra.forEach(add);
  return words;
}

/**
 * Cells of `sheets` in a Chinese workbook that hold an internal key (`voucher_no`, `push_open`) or an
 * English word the ledger (`quoted`) does not: `sheet!cell "text"` each.
 */
export function englishInChinese(wb: XLSX.WorkBook, sheets: string[], quoted: Set<string>): string[] {
  const out: string[] = [];
  for (const name of sheets) {
    for (const [addr, c] of cellsOf(wb.Sheets[name]!)) {
      if (typeof c.v !== 'string') continue;
      const text = c.v;
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
