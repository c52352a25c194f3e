/**
 * An audit event as a finance office reads it: the action's name and its details in words
 * (`台账：预算指标；行数：42`), not the stored JSON. The audit sheet and the workbench both use it.
 */
import { Lang } from './findings';
import { LEDGERS, LedgerKind } from './ledgers';
import { groupThousands } from './money';

const ACTION: Record<string, [string, string]> = {
  push_open: ['开始推送', 'push opened'],
  push_unchanged: ['推送（内容未变）', 'push (unchanged)'],
  commit: ['提交快照', 'commit'],
  reconcile: ['核对', 'reconcile'],
  close: ['结账', 'close'],
  reopen: ['重新打开', 'reopen'],
  token_create: ['创建令牌', 'token created'],
  token_revoke: ['吊销令牌', 'token revoked'],
  token_refused: ['拒绝令牌', 'token refused'],
};

const ROLE: Record<string, [string, string]> = { clerk: ['经办人员', 'clerk'], reviewer: ['复核人员', 'reviewer'], admin: ['管理员', 'administrator'] };

export function roleText(role: string, lang: Lang): string {
  return ROLE[role]?.[lang === 'zh' ? 0 : 1] ?? role;
}

/**
 * Who acted, as a person reads it: the service's own events by 系统, a token without a label (stored
 * as `unit/role`, server/auth.ts) as `A 经办人员`; a labelled token's label as it was given.
 */
export function actorText(actor: string, lang: Lang): string {
  if (actor === 'system') return lang === 'zh' ? '系统' : 'The service';
  const m = /^(.+)\/(clerk|reviewer|admin)$/.exec(actor);
  return m ? `${m[1]} ${roleText(m[2]!, lang)}` : actor;
}

export function auditActionText(action: string, lang: Lang): string {
  return ACTION[action]?.[lang === 'zh' ? 0 : 1] ?? action;
}

const DETAIL: Record<string, [string, string]> = {
  unit: ['单位', 'unit'],
  kind: ['台账', 'ledger'],
  rows: ['行数', 'rows'],
  row_count: ['行数', 'rows'],
  workbook: ['工作簿', 'workbook'],
  snapshot_id: ['快照', 'snapshot'],
  previous_snapshot_id: ['上一快照', 'previous snapshot'],
  reconciliation_id: ['核对批次', 'reconciliation'],
  override: ['有错误仍结账的说明', 'closed despite errors because'],
  reason: ['原因', 'reason'],
  closed_by: ['原结账人', 'closed by'],
  role: ['角色', 'role'],
  label: ['备注', 'label'],
  token_id: ['令牌编号', 'token id'],
  content_hash: ['内容摘要', 'content hash'],
  findings: ['发现', 'findings'],
  expires_at: ['到期', 'expires'],
  why: ['原因', 'why'],
};
/** Ids a person never needs in a sentence: the push's own uuid and the per-kind snapshot map. */
const LEFT_OUT = new Set(['push_id', 'snapshots']);

function detailValue(key: string, v: unknown, lang: Lang): string {
  const zh = lang === 'zh';
  if (key === 'kind' && typeof v === 'string' && v in LEDGERS) return zh ? LEDGERS[v as LedgerKind].zh : v;
  // A hash is recognised by its first characters, as in git.
  if (key === 'content_hash' && typeof v === 'string') return v.slice(0, 12);
  if (key === 'findings' && v && typeof v === 'object') {
    const s = v as { error?: number; warning?: number; info?: number };
    return zh ? `错误 ${s.error ?? 0}，警告 ${s.warning ?? 0}，提示 ${s.info ?? 0}` : `${s.error ?? 0} errors, ${s.warning ?? 0} warnings, ${s.info ?? 0} info`;
  }
  if (key === 'role' && typeof v === 'string') return roleText(v, lang);
  if (key === 'why' && (v === 'expired' || v === 'revoked')) return zh ? (v === 'expired' ? '已过期' : '已吊销') : v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function auditDetailsText(details: Record<string, unknown>, lang: Lang): string {
  const zh = lang === 'zh';
  return Object.entries(details)
    .filter(([k, v]) => v !== null && v !== undefined && !LEFT_OUT.has(k))
    .map(([k, v]) => `${DETAIL[k]?.[zh ? 0 : 1] ?? k}${zh ? '：' : ': '}${detailValue(k, v, lang)}`)
    .join(zh ? '；' : '; ');
}

/** A count as `1,203`. */
function grouped(n: unknown): string {
  const s = String(n);
  return /^\d+$/.test(s) ? groupThousands(s) : s;
}

function ledgerText(kind: unknown, lang: Lang): string {
  if (typeof kind === 'string' && kind in LEDGERS) return lang === 'zh' ? LEDGERS[kind as LedgerKind].zh : `the ${kind.replace('_', ' ')} ledger`;
  return lang === 'zh' ? '台账' : 'a ledger';
}

/**
 * An audit event as one sentence in the session's language (analysis.md "Display": `张三 推送 合同台账
 * 1,203 行（快照 3）`), never raw JSON. An action this code does not know reads as its name and details.
 */
export function auditSentence(e: { actor: string; action: string; period: string | null; details: Record<string, unknown> }, lang: Lang): string {
  const zh = lang === 'zh';
  const d = e.details;
  const who = actorText(e.actor, lang);
  const month = e.period ?? '';
  const findings = d.findings ? detailValue('findings', d.findings, lang) : null;
  const tail = (s: string | null) => (s ? (zh ? `；${s}` : `; ${s}`) : '');
  switch (e.action) {
    case 'push_open':
      return zh
        ? `${who} 开始推送 ${ledgerText(d.kind, lang)} ${grouped(d.row_count)} 行（${month}${d.workbook ? `，${String(d.workbook)}` : ''}）`
        : `${who} began pushing ${ledgerText(d.kind, lang)}, ${grouped(d.row_count)} rows (${month}${d.workbook ? `, ${String(d.workbook)}` : ''})`;
    case 'commit':
      return zh
        ? `${who} 推送 ${ledgerText(d.kind, lang)} ${grouped(d.rows)} 行（快照 ${String(d.snapshot_id)}${d.previous_snapshot_id ? `，替换快照 ${String(d.previous_snapshot_id)}` : ''}）${tail(findings)}`
        : `${who} pushed ${ledgerText(d.kind, lang)}, ${grouped(d.rows)} rows (snapshot ${String(d.snapshot_id)}${d.previous_snapshot_id ? `, replacing snapshot ${String(d.previous_snapshot_id)}` : ''})${tail(findings)}`;
    case 'push_unchanged':
      return zh
        ? `${who} 推送 ${ledgerText(d.kind, lang)}，内容与快照 ${String(d.snapshot_id)} 相同，未建新快照`
        : `${who} pushed ${ledgerText(d.kind, lang)}, the same as snapshot ${String(d.snapshot_id)}: no new snapshot`;
    case 'reconcile':
      return zh ? `${who} 核对 ${month}${tail(findings)}` : `${who} reconciled ${month}${tail(findings)}`;
    case 'close': {
      const why = d.override ? (zh ? `有错误仍结账，说明：${String(d.override)}` : `closed despite errors because: ${String(d.override)}`) : null;
      return zh ? `${who} 结账 ${d.unit ? `${String(d.unit)} ` : ''}${month}${tail(findings)}${tail(why)}` : `${who} closed ${d.unit ? `${String(d.unit)} ` : ''}${month}${tail(findings)}${tail(why)}`;
    }
    case 'reopen':
      return zh
        ? `${who} 重新打开 ${d.unit ? `${String(d.unit)} ` : ''}${month}，原因：${String(d.reason ?? '')}${d.closed_by ? `（原结账人 ${actorText(String(d.closed_by), lang)}）` : ''}`
        : `${who} reopened ${d.unit ? `${String(d.unit)} ` : ''}${month} because: ${String(d.reason ?? '')}${d.closed_by ? ` (closed by ${actorText(String(d.closed_by), lang)})` : ''}`;
    case 'token_create': {
      const role = roleText(String(d.role ?? ''), lang);
      const expires = typeof d.expires_at === 'string' ? d.expires_at.slice(0, 10) : null;
      return zh
        ? `${who} 为 ${String(d.unit ?? '')} 创建${role}令牌 ${String(d.token_id)}${d.label ? `（${String(d.label)}）` : ''}，${expires ? `${expires} 到期` : '长期有效'}`
        : `${who} created ${role} token ${String(d.token_id)} for ${String(d.unit ?? '')}${d.label ? ` (${String(d.label)})` : ''}, ${expires ? `expiring ${expires}` : 'never expiring'}`;
    }
    case 'token_revoke':
      return zh
        ? `${who} 吊销令牌 ${String(d.token_id)}（${roleText(String(d.role ?? ''), lang)}${d.label ? `，${String(d.label)}` : ''}）`
        : `${who} revoked token ${String(d.token_id)} (${roleText(String(d.role ?? ''), lang)}${d.label ? `, ${String(d.label)}` : ''})`;
    case 'token_refused': {
      const why = detailValue('why', d.why, lang);
      return zh ? `令牌 ${String(d.token_id)} 被拒绝：${why}` : `token ${String(d.token_id)} refused: ${why}`;
    }
    default: {
      const rest = auditDetailsText(d, lang);
      return `${who} ${auditActionText(e.action, lang)}${month ? ` ${month}` : ''}${tail(rest)}`;
    }
  }
}
