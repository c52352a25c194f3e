/** What every reader of a workbook (the file readers, the Office.js adapter) knows besides its cells. */
import { keyOfMarkName, sheetOfMarkReference } from '../sheet-layout';

/** Non-empty cells a workbook may hold before it is refused as too large (about 2 GB of grid). */
export const MAX_CELLS = 20_000_000;

export interface SheetEntry {
  readonly name: string;
  readonly hidden: boolean;
  /** Where the reader finds the sheet (a part name, a sheet name); null for a sheet without cells. */
  readonly part: string | null;
}

export interface DefinedName {
  readonly name: string;
  readonly ref: string;
}

/** The sheets that may be ledgers: analysis sheets ledger-sync wrote (known by a hidden name) are not. */
export function ledgerSheetNames(names: readonly string[], definedNames: readonly DefinedName[]): string[] {
  const ours = new Set<string>();
  for (const n of definedNames) {
    if (keyOfMarkName(n.name) === null) continue;
    const sheet = sheetOfMarkReference(n.ref.startsWith('=') ? n.ref : '=' + n.ref);
    if (sheet !== null) ours.add(sheet);
  }
  return names.filter((n) => !ours.has(n));
}
