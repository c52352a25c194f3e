/** `check`: find the ledger sheets of a workbook, read and validate them (V and I codes). */
import { LEDGER_KINDS, LEDGERS, LedgerKind } from './ledgers';
import { Finding, Lang, Summary, summarise } from './findings';
import { detectSheet, detectSheetAs, detectSheetAtRow, withColumnChoices } from './headers';
import { LedgerSheet, ParsedSheet, SheetLayout, ValidatedLedger, makeFinding, readLedgerSheet, validateLedger } from './validate';
import { SheetGrid } from './workbook';
import { IsoDate, asOfOfPeriod, lastDayOfMonth } from './dates';
import { DEFAULT_REFERENCE, ReferenceData } from './reference';

export interface CheckOptions {
  /** `YYYY-MM`; default: the latest month of any dated row of the workbook. */
  asOf?: string;
  year?: number;
  lang?: Lang;
  ref?: ReferenceData;
  /** Today, for a workbook with no dated row and no `asOf` (defaults to the clock). */
  today?: Date;
  /** The user's corrections by sheet name: read as this kind, or (null) not as a ledger. */
  kinds?: Record<string, LedgerKind | null>;
  /** The user's header-row corrections by sheet name (1-based Excel row). */
  headerRows?: Record<string, number>;
  /** The user's column corrections by sheet name: field → column letter, or null for none. */
  columns?: Record<string, Record<string, string | null>>;
}

export interface CheckResult {
  as_of: IsoDate;
  sheets: LedgerSheet[];
  ledgers: Partial<Record<LedgerKind, ValidatedLedger>>;
  /** Where each ledger sheet's rows stand, in workbook order (what a push sends along). */
  layouts: SheetLayout[];
  findings: Finding[];
  summary: Summary;
}

export class OptionError extends Error {}

export function checkWorkbook(grids: readonly SheetGrid[], options: CheckOptions = {}): CheckResult {
  const ref = options.ref ?? DEFAULT_REFERENCE;
  const lang = options.lang ?? 'zh';
  let asOf: IsoDate | null = null;
  if (options.asOf !== undefined) {
    asOf = asOfOfPeriod(options.asOf);
    if (!asOf) throw new OptionError(`--as-of must be a month YYYY-MM between 2000-01 and 2100-12, got "${options.asOf}"`);
  }
  if (options.year !== undefined && !(Number.isInteger(options.year) && options.year >= 2000 && options.year <= 2100)) {
    throw new OptionError(`--year must be a year 2000–2100, got "${options.year}"`);
  }

  const findings: Finding[] = [];
  const order = new Map<string, number>();
  const byKind = new Map<LedgerKind, ParsedSheet[]>();
  grids.forEach((grid, i) => {
    order.set(grid.name, i);
    const chosen = options.kinds?.[grid.name];
    const row = options.headerRows?.[grid.name];
    const found =
      chosen === null ? null
      : row !== undefined ? detectSheetAtRow(grid, row - 1, chosen)
      : chosen === undefined ? detectSheet(grid) : detectSheetAs(grid, chosen);
    const choices = options.columns?.[grid.name];
    const det = found && choices ? withColumnChoices(grid, found, choices) : found;
    if (!det) {
      findings.push(makeFinding('I02', lang, { sheet: grid.name }));
      return;
    }
    const parsed = readLedgerSheet(grid, det, { ref, lang });
    const list = byKind.get(det.kind) ?? [];
    list.push(parsed);
    byKind.set(det.kind, list);
  });

  asOf ??= latestMonthEnd(byKind) ?? monthEnd(options.today ?? new Date());

  const ledgers: Partial<Record<LedgerKind, ValidatedLedger>> = {};
  const sheets: LedgerSheet[] = [];
  const layouts: SheetLayout[] = [];
  for (const kind of LEDGER_KINDS) {
    const parts = byKind.get(kind);
    if (!parts) continue;
    const ledger = validateLedger(kind, parts, { asOf, year: options.year }, { ref, lang });
    ledgers[kind] = ledger;
    findings.push(...ledger.findings);
  }
  for (const list of byKind.values()) {
    for (const p of list) {
      sheets.push(p.info);
      layouts.push(p.layout);
    }
  }
  sheets.sort((a, b) => order.get(a.sheet)! - order.get(b.sheet)!);
  layouts.sort((a, b) => order.get(a.sheet)! - order.get(b.sheet)!);
  sortFindings(findings, order);
  return { as_of: asOf, sheets, ledgers, layouts, findings, summary: summarise(findings) };
}

/** Sheet order of the workbook, then row (sheet-level findings first), then column, then code. */
export function sortFindings(findings: Finding[], sheetOrder: Map<string, number>): void {
  findings.sort(
    (a, b) =>
      (sheetOrder.get(a.sheet ?? '') ?? -1) - (sheetOrder.get(b.sheet ?? '') ?? -1) ||
      (a.row ?? 0) - (b.row ?? 0) ||
      (a.column ?? '').length - (b.column ?? '').length ||
      (a.column ?? '').localeCompare(b.column ?? '') ||
      a.code.localeCompare(b.code),
  );
}

function latestMonthEnd(byKind: Map<LedgerKind, ParsedSheet[]>): IsoDate | null {
  let max: string | null = null;
  for (const [kind, parts] of byKind) {
    const dateFields = LEDGERS[kind].fields.filter((f) => f.type === 'date').map((f) => f.name);
    if (dateFields.length === 0) continue;
    for (const p of parts) {
      for (const r of p.rows) {
        for (const name of dateFields) {
          const d = r.values[name];
          if (typeof d === 'string' && (max === null || d > max)) max = d;
        }
      }
    }
  }
  return max === null ? null : lastDayOfMonth(+max.slice(0, 4), +max.slice(5, 7));
}

function monthEnd(d: Date): IsoDate {
  return lastDayOfMonth(d.getFullYear(), d.getMonth() + 1);
}
