/** What every reader of shared/read knows of a workbook besides its cells. */

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
