/**
 * The user's corrections of how a workbook is read (layouts.md): a sheet's kind, header row and the
 * column of each field. The task pane keeps them in the workbook's add-in settings
 * (`ledger-sync.kinds`, `ledger-sync.headerRows`, `ledger-sync.columns`); `--map FILE` gives them as
 * `{"sheets": {"<sheet>": {"kind": "purchase", "header_row": 3, "columns": {"date": "I"}}}}`. Both
 * become the same check options, checked against the workbook: a correction naming a sheet, kind,
 * field or column that does not exist is refused, naming it.
 */
import type { CheckOptions } from './check';
import { LEDGERS, LEDGER_KINDS, LedgerKind } from './ledgers';
import { Lang } from './findings';
import { SheetGrid, columnNumber } from './workbook';

export type Corrections = Pick<CheckOptions, 'kinds' | 'headerRows' | 'columns'>;

export type CorrectionProblem =
  | { code: 'notJson' }
  | { code: 'shape'; at: string }
  | { code: 'noSheet'; sheet: string }
  | { code: 'badKind'; sheet: string; kind: string }
  | { code: 'badHeaderRow'; sheet: string; row: unknown }
  | { code: 'badField'; sheet: string; field: string; kind: string }
  | { code: 'badColumn'; sheet: string; field: string; column: string };

export class CorrectionError extends Error {
  constructor(readonly problem: CorrectionProblem) {
    super(problem.code);
  }
}

const MESSAGES: Record<Lang, (p: CorrectionProblem, source: string) => string> = {
  zh: (p, s) => {
    switch (p.code) {
      case 'notJson': return `${s} 不是有效的 JSON：请按 {"sheets": {"工作表名": {"kind": "purchase", "header_row": 3, "columns": {"date": "I"}}}} 的格式填写`;
      case 'shape': return `${s} 的格式不对（${p.at}）：应为 {"sheets": {"工作表名": {"kind", "header_row", "columns"}}}`;
      case 'noSheet': return `${s} 更正了工作表“${p.sheet}”，但工作簿中没有这张表：请检查表名`;
      case 'badKind': return `${s} 把工作表“${p.sheet}”设为未知的台账类型“${p.kind}”：可用 ${LEDGER_KINDS.join('、')}，或 null 表示不是台账`;
      case 'badHeaderRow': return `${s} 为工作表“${p.sheet}”指定的表头行“${String(p.row)}”无效：应为该表中的行号（1 起）`;
      case 'badField': return `${s} 为工作表“${p.sheet}”更正了字段“${p.field}”，但${LEDGERS[p.kind as LedgerKind]?.zh ?? p.kind}没有这个字段`;
      case 'badColumn': return `${s} 为工作表“${p.sheet}”的字段“${p.field}”指定的列“${p.column}”不存在：应为该表中的列字母（如 C），或 null`;
    }
  },
  en: (p, s) => {
    switch (p.code) {
      case 'notJson': return `${s} is not valid JSON: write it as {"sheets": {"<sheet>": {"kind": "purchase", "header_row": 3, "columns": {"date": "I"}}}}`;
      case 'shape': return `${s} is not of the expected shape (${p.at}): {"sheets": {"<sheet>": {"kind", "header_row", "columns"}}}`;
      case 'noSheet': return `${s} corrects sheet "${p.sheet}", which the workbook does not have: check the name`;
      case 'badKind': return `${s} gives sheet "${p.sheet}" the unknown kind "${p.kind}": use ${LEDGER_KINDS.join(', ')}, or null for no ledger`;
      case 'badHeaderRow': return `${s} gives sheet "${p.sheet}" the header row "${String(p.row)}": a row number of that sheet (from 1) is needed`;
      case 'badField': return `${s} corrects field "${p.field}" of sheet "${p.sheet}", which a ${p.kind} ledger does not have`;
      case 'badColumn': return `${s} puts field "${p.field}" of sheet "${p.sheet}" in column "${p.column}", which does not exist: a column letter of that sheet (C), or null`;
    }
  },
};

export function correctionMessage(e: CorrectionError, source: string, lang: Lang): string {
  return MESSAGES[lang](e.problem, source);
}

/** The pane's settings as stored in the workbook (each value JSON text, as Office keeps it). */
export function correctionsOfSettings(settings: Readonly<Record<string, string>>): unknown {
  const read = (k: string): Record<string, unknown> => {
    try {
      const v = settings[k] === undefined ? null : JSON.parse(settings[k]!);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const kinds = read('ledger-sync.kinds');
  const rows = read('ledger-sync.headerRows');
  const columns = read('ledger-sync.columns');
  const sheets: Record<string, Record<string, unknown>> = {};
  const at = (name: string) => (Object.prototype.hasOwnProperty.call(sheets, name) ? sheets[name]! : (sheets[name] = {}));
  for (const [name, kind] of Object.entries(kinds)) at(name).kind = kind;
  for (const [name, row] of Object.entries(rows)) at(name).header_row = row;
  for (const [name, cols] of Object.entries(columns)) at(name).columns = cols;
  return { sheets };
}

/** Parses the JSON text of a --map file. */
export function parseMapText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CorrectionError({ code: 'notJson' });
  }
}

/**
 * Checks corrections against the workbook's sheets and makes them check options. Strict for a
 * --map file; lenient for the pane's stored settings, which the pane itself applies only where they
 * still fit (a sheet renamed since is passed over, as in Excel).
 */
export function corrections(map: unknown, grids: readonly SheetGrid[], strict = true): Corrections {
  if (!strict) {
    const out: Required<Corrections> = { kinds: Object.create(null), headerRows: Object.create(null), columns: Object.create(null) };
    if (!isObject(map) || !isObject(map.sheets)) return out;
    for (const [sheet, c] of Object.entries(map.sheets)) {
      try {
        const one = corrections({ sheets: { [sheet]: c } }, grids, true);
        Object.assign(out.kinds, one.kinds);
        Object.assign(out.headerRows, one.headerRows);
        Object.assign(out.columns, one.columns);
      } catch (e) {
        if (!(e instanceof CorrectionError)) throw e;
      }
    }
    return out;
  }
  if (!isObject(map) || !isObject(map.sheets)) throw new CorrectionError({ code: 'shape', at: 'sheets' });
  const out: Required<Corrections> = { kinds: Object.create(null), headerRows: Object.create(null), columns: Object.create(null) };
  for (const [sheet, c] of Object.entries(map.sheets)) {
    const grid = grids.find((g) => g.name === sheet);
    if (!grid) throw new CorrectionError({ code: 'noSheet', sheet });
    if (!isObject(c)) throw new CorrectionError({ code: 'shape', at: `sheets.${sheet}` });
    let kind: LedgerKind | null | undefined;
    if ('kind' in c) {
      if (c.kind !== null && !(LEDGER_KINDS as readonly unknown[]).includes(c.kind)) throw new CorrectionError({ code: 'badKind', sheet, kind: String(c.kind) });
      kind = c.kind as LedgerKind | null;
      out.kinds[sheet] = kind;
    }
    if ('header_row' in c) {
      const row = c.header_row;
      if (!Number.isInteger(row) || (row as number) < 1 || (row as number) > Math.max(grid.rows.length, 1)) throw new CorrectionError({ code: 'badHeaderRow', sheet, row });
      out.headerRows[sheet] = row as number;
    }
    if ('columns' in c) {
      if (!isObject(c.columns)) throw new CorrectionError({ code: 'shape', at: `sheets.${sheet}.columns` });
      const width = Math.max(0, ...grid.rows.map((r) => r?.length ?? 0));
      const cols: Record<string, string | null> = Object.create(null);
      for (const [field, letter] of Object.entries(c.columns)) {
        // The field must be one of the sheet's kind, when the kind is known here.
        if (kind && !LEDGERS[kind].fields.some((f) => f.name === field)) throw new CorrectionError({ code: 'badField', sheet, field, kind });
        if (!kind && !LEDGER_KINDS.some((k) => LEDGERS[k].fields.some((f) => f.name === field))) throw new CorrectionError({ code: 'badField', sheet, field, kind: 'any' });
        if (letter !== null && (typeof letter !== 'string' || !/^[A-Z]{1,3}$/.test(letter) || columnNumber(letter) > Math.max(width, 1))) {
          throw new CorrectionError({ code: 'badColumn', sheet, field, column: String(letter) });
        }
        cols[field] = letter as string | null;
      }
      out.columns[sheet] = cols;
    }
  }
  return out;
}

/** Corrections as a --map file holds them (what the workbench offers for a file that cannot keep settings). */
/** Whether a clerk corrected anything (a kind, a header row or a column) at all. */
export function hasCorrections(c: Corrections): boolean {
  return [c.kinds, c.headerRows, c.columns].some((x) => x !== undefined && Object.keys(x).length > 0);
}

export function mapOfCorrections(c: Corrections): { sheets: Record<string, { kind?: LedgerKind | null; header_row?: number; columns?: Record<string, string | null> }> } {
  const sheets: ReturnType<typeof mapOfCorrections>['sheets'] = {};
  const at = (name: string) => (Object.prototype.hasOwnProperty.call(sheets, name) ? sheets[name]! : (sheets[name] = {}));
  for (const [name, kind] of Object.entries(c.kinds ?? {})) at(name).kind = kind;
  for (const [name, row] of Object.entries(c.headerRows ?? {})) at(name).header_row = row;
  for (const [name, cols] of Object.entries(c.columns ?? {})) at(name).columns = cols;
  return { sheets };
}

/** Corrections as the pane's settings (each value as Office keeps it: the object itself, stored as JSON). */
export function settingsOfCorrections(c: Corrections): Record<string, unknown> {
  return { 'ledger-sync.kinds': c.kinds ?? {}, 'ledger-sync.headerRows': c.headerRows ?? {}, 'ledger-sync.columns': c.columns ?? {} };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
