/**
 * An audit event as a finance office reads it: the action's name and its details in words
 * (`台账：预算指标；行数：42`), not the stored JSON. The audit sheet and the workbench both use it.
 */
import { Lang } from './findings';
import { LEDGERS, LedgerKind } from './ledgers';

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
