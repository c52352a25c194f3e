/**
 * One workbook's month, in-process: validation, reconciliation and the analysis, as the service
 * does on commit. The CLI's `analyze` and the web workbench both run it.
 */
import { checkWorkbook, CheckOptions, CheckResult, sortFindings } from './check';
import { reconcile } from './reconcile';
import { analyse, Analysis } from './analysis';
import { summarise } from './findings';
import { ReferenceData, DEFAULT_REFERENCE } from './reference';
import { SheetGrid } from './workbook';

export interface BookMonth {
  /** The check, with the reconciliation's findings added and every finding in sheet order. */
  result: CheckResult;
  analysis: Analysis;
}

export function runBookMonth(grids: readonly SheetGrid[], options: CheckOptions & { ref?: ReferenceData } = {}): BookMonth {
  const ref = options.ref ?? DEFAULT_REFERENCE;
  const lang = options.lang ?? 'zh';
  const checked = checkWorkbook(grids, { ...options, ref, lang });
  const opts = { asOf: checked.as_of, ref, lang };
  const rec = reconcile(checked.ledgers, opts);
  const findings = [...checked.findings, ...rec.findings];
  sortFindings(findings, new Map(grids.map((g, i) => [g.name, i])));
  const analysis = analyse({ ledgers: checked.ledgers, matches: rec.matches, findings, ...opts });
  return { result: { ...checked, findings, summary: summarise(findings) }, analysis };
}
