/** `ledger-sync close`, `reopen`, `diff` and `audit`: month-end against the service. */
import { AuditResponse, DiffResponse, PeriodStateResponse } from '../shared/api';
import { ClientOptions, apiRequest } from '../shared/api-client';
import { Lang } from '../shared/findings';
import { actorText } from '../shared/audit-text';
import { LEDGERS, LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import { auditLayout, changesLayout, shownValue } from '../shared/month-end-tables';
import type { DiffValue } from '../shared/diff';
import { Io, SERVER_OPTIONS, Said, UsageError, askServer, langOption, parse, periodOption, serverOptions } from './args';
import { deploymentZone, localTimestamp, writeFileAtomically } from './output-file';
import { writeAnalysisSheets } from '../shared/write/analysis-sheets';

const call = <T>(c: ClientOptions, what: Said, method: string, path: string, body?: object): Promise<T> =>
  askServer(what, () => apiRequest<T>(c, method, path, body === undefined ? undefined : JSON.stringify(body)));

/**
 * The unit a month-end command is about: --unit, or a clerk's own. A reviewer without --unit is
 * told the units there are (never answered about the reviewer's own, which holds no ledgers).
 */
async function unitOf(c: ClientOptions, unit: string | undefined, command: string, lang: Lang): Promise<string | undefined> {
  if (unit) return unit;
  const me = await call<{ unit: string; role: string }>(c, { zh: '查询令牌身份', en: 'who this token is' }, 'GET', '/me');
  if (me.role === 'clerk') return undefined;
  const { units } = await call<{ units: { code: string; name: string | null }[] }>(c, { zh: '查询单位列表', en: 'the list of units' }, 'GET', '/units');
  const list = units.map((u) => (u.name ? `${u.code} ${u.name}` : u.code)).join(lang === 'zh' ? '、' : ', ');
  throw new UsageError({
    zh: `复核人员请用 --unit 指定单位（ledger-sync ${command} … --unit 单位代码）；现有单位：${list}`,
    en: `a reviewer names the unit with --unit (ledger-sync ${command} … --unit CODE); the units are: ${list}`,
  });
}

function stateLine(s: PeriodStateResponse, lang: Lang): string {
  const f = s.findings_summary;
  if (lang === 'zh') {
    const who = s.changed_by ? `（${actorText(s.changed_by, lang)}，${s.changed_at ? localTimestamp(new Date(s.changed_at)) : ''}${s.reason ? `，${s.reason}` : ''}）` : '';
    return `${s.unit} ${s.period}：${s.status === 'closed' ? '已结账' : '未结账'}${who}；${f.error} 个错误，${f.warning} 个警告，${f.info} 条提示\n`;
  }
  const who = s.changed_by ? ` (by ${actorText(s.changed_by, lang)} at ${s.changed_at ? localTimestamp(new Date(s.changed_at)) : ''}${s.reason ? `: ${s.reason}` : ''})` : '';
  return `${s.unit} ${s.period}: ${s.status}${who}; ${f.error} errors, ${f.warning} warnings, ${f.info} info\n`;
}

export async function runClose(args: string[], io: Io, reopen = false): Promise<number> {
  const { values, positionals } = parse(args, {
    ...SERVER_OPTIONS,
    period: { type: 'string' },
    unit: { type: 'string' },
    override: { type: 'string' },
    reason: { type: 'string' },
    lang: { type: 'string' },
    json: { type: 'boolean' },
  });
  const name = reopen ? 'reopen' : 'close';
  if (positionals.length > 0) throw new UsageError({ zh: `${name} 不带参数，多了“${positionals[0]}”`, en: `${name} takes no arguments, got "${positionals[0]}"` });
  const period = periodOption(values.period);
  const c = serverOptions(values);
  const lang = langOption(values.lang);
  if (reopen && values.override !== undefined) throw new UsageError({ zh: 'reopen 用 --reason 写明原因，不用 --override', en: 'reopen takes --reason, not --override' });
  if (!reopen && values.reason !== undefined) throw new UsageError({ zh: '有错误仍要结账，请用 --override 写明原因；--reason 用于 reopen', en: 'close takes --override REASON to close despite errors; --reason is for reopen' });
  if (reopen && !values.reason) throw new UsageError({ zh: 'reopen 须用 --reason “重新打开的原因” 写明原因，原因记入审计记录', en: 'reopen needs --reason "why the month is opened again"' });
  const unit = await unitOf(c, values.unit, name, lang);
  const body = { ...(unit ? { unit } : {}), ...(values.override !== undefined ? { override: values.override } : {}), ...(values.reason !== undefined ? { reason: values.reason } : {}) };
  const s = await call<PeriodStateResponse>(c, { zh: `${name === 'close' ? '结账' : '重新打开'} ${period}`, en: `${name} of ${period}` }, 'POST', `/periods/${period}/${name}`, body);
  io.out(values.json ? JSON.stringify(s, null, 2) + '\n' : stateLine(s, lang));
  return 0;
}

export async function runDiff(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...SERVER_OPTIONS,
    period: { type: 'string' },
    kind: { type: 'string' },
    unit: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError({ zh: `diff 不带参数，多了“${positionals[0]}”`, en: `diff takes no arguments, got "${positionals[0]}"` });
  const period = periodOption(values.period);
  const c = serverOptions(values);
  const lang = langOption(values.lang);
  if (values.kind !== undefined && !(LEDGER_KINDS as readonly string[]).includes(values.kind)) throw new UsageError({ zh: `--kind 应为 ${LEDGER_KINDS.map((k) => `${k}（${LEDGERS[k].zh}）`).join('、')} 之一，而不是“${values.kind}”`, en: `--kind must be one of ${LEDGER_KINDS.join(', ')}, got "${values.kind}"` });
  const unit = await unitOf(c, values.unit, 'diff', lang);
  const q = new URLSearchParams({ ...(values.kind ? { kind: values.kind } : {}), ...(unit ? { unit } : {}) });
  const d = await call<DiffResponse>(c, { zh: `查询 ${period} 本月变动`, en: `diff of ${period}` }, 'GET', `/periods/${period}/diff${q.size ? `?${q}` : ''}`);
  if (values.out !== undefined) {
    await writeFileAtomically(values.out, await writeAnalysisSheets(null, [changesLayout(d, d.unit, lang, localTimestamp(new Date()))]));
  }
  if (values.json) {
    io.out(JSON.stringify(d, null, 2) + '\n');
  } else {
    const zh = lang === 'zh';
    io.out(zh ? `${d.unit} ${d.period} 对比 ${d.previous_period}\n` : `${d.unit} ${d.period} against ${d.previous_period}\n`);
    for (const l of d.ledgers) {
      const name = zh ? LEDGERS[l.kind as LedgerKind].zh : l.kind;
      io.out(zh
        ? `${name}：新增 ${l.added.length}，删除 ${l.removed.length}，修改 ${l.changed.length}，未变 ${l.unchanged}\n`
        : `${name}: ${l.added.length} added, ${l.removed.length} removed, ${l.changed.length} changed, ${l.unchanged} unchanged\n`);
      // Every row, none cut: a reviewer signs off on all of them (| head shortens it quietly).
      const label = (field: string) => {
        const f = LEDGERS[l.kind as LedgerKind].fields.find((x) => x.name === field);
        return f ? (zh ? f.zh : f.en) : field;
      };
      // Values as the ledger shows them (365,000.00, 询价), as in the 本月变动 sheet.
      const shown = (field: string, v: DiffValue) => (v === null ? (zh ? '（空）' : '∅') : String(shownValue(l.kind as LedgerKind, field, v, lang)));
      for (const r of l.changed) io.out(`    ~ ${r.key}  ${r.changes.map((x) => `${label(x.field)}${zh ? '：' : ': '}${shown(x.field, x.before)} → ${shown(x.field, x.after)}`).join(zh ? '；' : '; ')}\n`);
      for (const r of l.added) io.out(`    + ${r.key}\n`);
      for (const r of l.removed) io.out(`    - ${r.key}\n`);
    }
    if (values.out !== undefined) io.out(zh ? `已写入 ${values.out}\n` : `wrote ${values.out}\n`);
  }
  return 0;
}

export async function runAudit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...SERVER_OPTIONS,
    period: { type: 'string' },
    unit: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    lang: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError({ zh: `audit 不带参数，多了“${positionals[0]}”`, en: `audit takes no arguments, got "${positionals[0]}"` });
  const c = serverOptions(values);
  const lang = langOption(values.lang);
  if (values.out === undefined && !values.json) throw new UsageError({ zh: 'audit 须指定 --out 审计记录.xlsx 或 --json（或两者都给）', en: 'audit needs --out audit.xlsx, --json, or both' });
  const period = values.period === undefined ? undefined : periodOption(values.period);
  const events: AuditResponse['events'] = [];
  for (let offset = 0; ; ) {
    const q = new URLSearchParams({ offset: String(offset), limit: '10000', ...(period ? { period } : {}), ...(values.unit ? { unit: values.unit } : {}) });
    const page = await call<AuditResponse>(c, { zh: '查询审计记录', en: 'audit trail' }, 'GET', `/audit?${q}`);
    events.push(...page.events);
    offset += page.events.length;
    if (page.events.length === 0 || offset >= page.total) break;
  }
  if (values.out !== undefined) {
    await writeFileAtomically(values.out, await writeAnalysisSheets(null, [auditLayout(events, { unit: values.unit, period }, lang, localTimestamp(new Date()), deploymentZone())]));
    if (!values.json) io.out(lang === 'zh' ? `已写入 ${values.out}：${events.length} 条记录\n` : `wrote ${values.out}: ${events.length} events\n`);
  }
  if (values.json) io.out(JSON.stringify({ events }, null, 2) + '\n');
  return 0;
}
