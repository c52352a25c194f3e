/**
 * The month-end sheets as tables, for the same sheet layout as the analysis: 本月变动 (what changed
 * since last month, one row per added or removed row and per changed field) and the audit trail.
 */
import { localTimestamp } from './dates';
import { AnalysisTable, TableCell } from './analysis';
import type { AuditEventView, DiffResponse } from './api';
import { Lang } from './findings';
import { LEDGERS, LedgerKind } from './ledgers';
import { ENUMS } from './enums';
import { yuanText } from './money';
import type { DiffValue } from './diff';
import { SheetLayout, layoutSheet, yesNoText } from './sheet-layout';
import { actorText, auditSentence } from './audit-text';

export const CHANGES_SHEET: [string, string] = ['本月变动', 'Changes'];
export const AUDIT_SHEET: [string, string] = ['审计记录', 'Audit trail'];
const pick = (pair: [string, string], lang: Lang) => pair[lang === 'zh' ? 0 : 1];

/**
 * A changed value as the clerk sees it in the ledger: money grouped to the fen (365,000.00), an
 * enumerated code as its word (询价, 在用), yes/no in words; the diff's JSON keeps the codes.
 */
export function shownValue(kind: LedgerKind, field: string, v: DiffValue, lang: Lang): TableCell {
  if (v === null) return null;
  const type = LEDGERS[kind].fields.find((x) => x.name === field)?.type;
  if (typeof v === 'boolean') return yesNoText(v, lang);
  if (type === 'money' && typeof v === 'string') {
    const shown = yuanText(v);
    if (shown !== null) return shown;
  }
  const e = type?.startsWith('enum:') ? (ENUMS as Record<string, Record<string, { zh: string; en: string }>>)[type.slice(5)]?.[String(v)] : undefined;
  return e ? (lang === 'zh' ? e.zh : e.en) : v;
}

export function changesTable(diff: DiffResponse, lang: Lang): AnalysisTable {
  const rows: TableCell[][] = [];
  for (const l of diff.ledgers) {
    const label = (field: string) => {
      const f = LEDGERS[l.kind].fields.find((x) => x.name === field);
      return f ? (lang === 'zh' ? f.zh : f.en) : field;
    };
    for (const r of l.added) rows.push([l.kind, 'added', r.key, null, null, null, r.sheet, r.row]);
    for (const r of l.removed) rows.push([l.kind, 'removed', r.key, null, null, null, r.sheet, r.row]);
    for (const r of l.changed) {
      for (const c of r.changes) rows.push([l.kind, 'changed', r.key, label(c.field), shownValue(l.kind, c.field, c.before, lang), shownValue(l.kind, c.field, c.after, lang), r.sheet, r.row]);
    }
  }
  const name = pick(CHANGES_SHEET, lang);
  return { title: name, sheet: name, columns: ['ledger', 'change', 'key', 'field', 'before', 'after', 'sheet', 'row'], rows };
}

function changesTitle(diff: DiffResponse, unit: string, lang: Lang): string {
  return lang === 'zh' ? `${unit} ${diff.period} 本月变动（对比 ${diff.previous_period}）` : `${unit} ${diff.period} changes since ${diff.previous_period}`;
}

function auditTable(events: AuditEventView[], lang: Lang, timeZone?: string): AnalysisTable {
  const name = pick(AUDIT_SHEET, lang);
  return {
    title: name,
    sheet: name,
    columns: ['id', 'at', 'unit', 'period', 'actor', 'action', 'event'],
    // Times on the deployment's clock, each event one sentence (analysis.md "Display").
    rows: events.map((e) => [e.id, localTimestamp(new Date(e.at), timeZone), e.unit, e.period, actorText(e.actor, lang), e.action, auditSentence(e, lang)]),
  };
}

/** The 本月变动 sheet as laid out for both writers (the CLI's .xlsx writer and the add-in). */
export function changesLayout(diff: DiffResponse, unit: string, lang: Lang, generatedAt: string): SheetLayout {
  const meta = { unit, period: diff.period, asOf: diff.period, generatedAt, lang };
  const layout = layoutSheet('changes', changesTable(diff, lang), undefined, meta, changesTitle(diff, unit, lang));
  // Counts by change type above the list (analysis.md "Display"); every changed row is listed.
  const n = (k: 'added' | 'removed' | 'changed') => diff.ledgers.reduce((sum, l) => sum + l[k].length, 0);
  const subtitle = lang === 'zh'
    ? `对比 ${diff.previous_period} 的最新快照：新增 ${n('added')} 行，删除 ${n('removed')} 行，修改 ${n('changed')} 行　生成于 ${generatedAt}`
    : `against the latest snapshots of ${diff.previous_period}: ${n('added')} added, ${n('removed')} removed, ${n('changed')} changed · generated ${generatedAt}`;
  return { ...layout, subtitle: { ...layout.subtitle, text: subtitle } };
}

/** The audit export's sheet: the trail of a unit (or all units) and period, as of its export. */
export function auditLayout(events: AuditEventView[], scope: { unit?: string; period?: string }, lang: Lang, exportedAt: string, timeZone?: string): SheetLayout {
  const zh = lang === 'zh';
  const what = `${scope.unit ?? (zh ? '全部单位' : 'all units')}${scope.period ? ` ${scope.period}` : ''}`;
  const meta = { unit: scope.unit ?? '', period: scope.period ?? '', asOf: '', generatedAt: exportedAt, lang };
  const layout = layoutSheet('audit', auditTable(events, lang, timeZone), undefined, meta, zh ? `审计记录 — ${what}` : `Audit trail — ${what}`);
  const subtitle = zh ? `导出于 ${exportedAt}，共 ${events.length} 条` : `exported ${exportedAt}, ${events.length} events`;
  return { ...layout, subtitle: { ...layout.subtitle, text: subtitle } };
}
