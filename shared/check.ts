/** `check`: find the ledger sheets of a workbook, read and validate them (V and I codes). */
import { SaidError } from './said-error';
import { LEDGER_KINDS, LEDGERS, LedgerKind } from './ledgers';
import { Finding, Lang, Summary, summarise } from './findings';
import { SheetDetection, bestBlock, candidateBlocks, detectSheet, detectSheetAs, detectSheetAtRow, normaliseHeader, withColumnChoices } from './headers';
import { titleText } from './sheet-form';
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

/** A bad option of a check (--as-of, --year): said in both languages, the session picks. */
/** An option that cannot be used (a year, a period): the user changes the command. */
export class OptionError extends SaidError {}

export function checkWorkbook(grids: readonly SheetGrid[], options: CheckOptions = {}): CheckResult {
  const ref = options.ref ?? DEFAULT_REFERENCE;
  const lang = options.lang ?? 'zh';
  let asOf: IsoDate | null = null;
  if (options.asOf !== undefined) {
    asOf = asOfOfPeriod(options.asOf);
    if (!asOf) throw new OptionError({ zh: `--as-of 应为 2000-01 至 2100-12 之间的年月 YYYY-MM，而不是“${options.asOf}”`, en: `--as-of must be a month YYYY-MM between 2000-01 and 2100-12, got "${options.asOf}"` });
  }
  if (options.year !== undefined && !(Number.isInteger(options.year) && options.year >= 2000 && options.year <= 2100)) {
    throw new OptionError({ zh: `--year 应为 2000–2100 之间的年份，而不是“${options.year}”`, en: `--year must be a year 2000–2100, got "${options.year}"` });
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
    const det = found && choices ? withColumnChoices(found, choices) : found;
    if (!det) {
      // A sheet the user said is no ledger is left alone; one that looks like a ledger is V10, never I02.
      const like = chosen === null ? null : resemblance(grid);
      findings.push(like ? unreadFinding(grid, like, lang) : makeFinding('I02', lang, { sheet: grid.name }));
      return;
    }
    const parsed = readLedgerSheet(grid, det, { ref, lang });
    const list = byKind.get(det.kind) ?? [];
    list.push(parsed);
    byKind.set(det.kind, list);
  });

  asOf ??= latestMonthEnd(byKind);
  if (asOf === null) {
    // Never silently from the clock: I04 says so (layouts.md).
    asOf = monthEnd(options.today ?? new Date());
    findings.push(makeFinding('I04', lang, { value: asOf }));
    if (options.year === undefined) {
      for (const kind of ['plan', 'budget'] as const) {
        const first = byKind.get(kind)?.find((p) => p.titleYear === null && !p.fields.some((f) => f.spec.name === 'year'));
        if (first) findings.push(makeFinding('I04', lang, { ledger: kind, sheet: first.info.sheet, field: 'year', value: asOf.slice(0, 4) }));
      }
    }
  }

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

/**
 * Whether a sheet that is read as no ledger resembles one (layouts.md, V10): its best header maps a
 * key field of a kind and three of its fields in all, or its name or title holds the kind's hint and
 * the header maps two of its fields. The kind that maps the most fields is the one it resembles.
 */
export function resemblance(grid: SheetGrid): SheetDetection | null {
  const blocks = candidateBlocks(grid);
  let best: SheetDetection | null = null;
  for (const kind of LEDGER_KINDS) {
    const top = bestBlock(kind, blocks);
    if (!top) continue;
    const n = top.match.fields.size;
    const keys = LEDGERS[kind].keyFields.filter((k) => top.match.fields.has(k)).length;
    const hinted = LEDGERS[kind].sheetHints.some((h) => titleText(grid, top.headerIndex).includes(h.toLowerCase()));
    if (!((keys >= 1 && n >= 3) || (hinted && n >= 2))) continue;
    if (!best || n > best.match.fields.size) best = top;
  }
  return best;
}

function unreadFinding(grid: SheetGrid, det: SheetDetection, lang: Lang) {
  const spec = LEDGERS[det.kind];
  const missing = spec.keyFields.filter((k) => !det.match.fields.has(k));
  const found = spec.fields.filter((f) => det.match.fields.has(f.name)).map((f) => f.name);
  const near = nearestHeaders(det.match.unmapped, missing.flatMap((k) => spec.fields.find((f) => f.name === k)!.synonyms));
  return makeFinding('V10', lang, { ledger: det.kind, sheet: grid.name, row: det.headerIndex + 1, field: missing[0] }, { found, missing, near });
}

/** Up to three unmapped headers sharing the most characters with the missing fields' synonyms. */
function nearestHeaders(unmapped: string[], synonyms: string[]): string[] {
  const keys = synonyms.map((s) => new Set(normaliseHeader(s).key));
  const score = (h: string) => {
    const chars = new Set(normaliseHeader(h).key);
    let best = 0;
    for (const k of keys) {
      let shared = 0;
      for (const ch of chars) if (k.has(ch)) shared++;
      best = Math.max(best, (2 * shared) / (chars.size + k.size || 1));
    }
    return best;
  };
  return unmapped
    .map((h, i) => ({ h, i, s: score(h) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, 3)
    .map((x) => x.h);
}
