/**
 * Month-end: a unit's period is open until a reviewer closes it; a closed period refuses pushes.
 * Closing waits for a month without error-level findings, unless the reviewer overrides with a
 * reason; reopening needs a reason. Both are in the audit trail. Also: what changed since last
 * month (diff), and the audit trail itself.
 */
import { Transaction, Op } from 'sequelize';
import { z } from 'zod';
import { AuditResponse, BoardResponse, DiffResponse, PeriodChangeSchema, PeriodSchema, PeriodStateResponse } from '../shared/api';
import { actorText } from '../shared/audit-text';
import { deploymentZone, localTimestamp } from '../shared/dates';
import { diffLedger, previousPeriod } from '../shared/diff';
import { Summary, summarise } from '../shared/findings';
import { LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import { ReferenceData } from '../shared/reference';
import { unitPeriodFindings } from './analysis-service';
import { Auth, audit, noUnit, unitScope } from './auth';
import { Db } from './db';
import { badRequest, conflict, fromZod } from './http-errors';
import { Period } from './models';
import { Reconciler } from './reconcile-service';
import { loadLedgerRows } from './row-store';

type Unit = { id: number; code: string };

function period(p: unknown): string {
  const r = PeriodSchema.safeParse(p);
  if (!r.success) {
    throw badRequest({ zh: `期间应为“年-月”格式的月份，如 2024-06，收到的是“${String(p)}”`, en: `period: ${r.error.issues[0]!.message}, got "${String(p)}"` }, 'period');
  }
  return r.data;
}

/** Who closed a month and when, as a finance office reads it: `REVIEW 复核人员 于 2024-01-31 18:00` (the deployment's clock). */
function closedByZh(row: { changed_by: string | null; changed_at: Date | null }): string {
  const who = row.changed_by ? actorText(row.changed_by, 'zh') : '复核人员';
  return row.changed_at ? `${who} 于 ${localTimestamp(new Date(row.changed_at), deploymentZone(process.env))}` : who;
}

/**
 * Serialises month-end changes of a unit's period with its commits (PostgreSQL: commits take the
 * lock shared, close and reopen exclusive; SQLite: one writer anyway).
 */
export async function lockPeriod(db: Db, t: Transaction, unitId: number, p: string, mode: 'shared' | 'exclusive'): Promise<void> {
  if (db.dialect !== 'postgres') return;
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await db.sequelize.query(`SELECT ${fn}(hashtext(:key))`, { replacements: { key: `period/${unitId}/${p}` }, transaction: t });
}

/** The refusal of a push into a closed month, naming who closed it and when. */
export async function refuseClosed(db: Db, unitId: number, p: string, transaction?: Transaction): Promise<void> {
  const row = await db.models.Period.findOne({ where: { unit_id: unitId, period: p }, transaction });
  if (row?.status === 'closed') {
    const when = row.changed_at ? row.changed_at.toISOString() : 'an unknown time';
    throw conflict('period_closed', {
      zh: `${p} 已由 ${closedByZh(row)} 结账，本次未保存任何内容；如需修改，请复核人员重新打开该月`,
      en: `period ${p} was closed by ${row.changed_by ?? 'a reviewer'} at ${when}; nothing was stored. A reviewer can reopen it.`,
    });
  }
}

/** The month's state; `summary` when the caller has just computed the month's findings. */
async function stateOf(db: Db, unit: Unit, p: string, ref: ReferenceData, reconciler?: Reconciler, row?: Period | null, summary?: Summary): Promise<PeriodStateResponse> {
  const r = row === undefined ? await db.models.Period.findOne({ where: { unit_id: unit.id, period: p } }) : row;
  return {
    unit: unit.code,
    period: p,
    status: r?.status ?? 'open',
    changed_by: r?.changed_by ?? null,
    changed_at: r?.changed_at ? r.changed_at.toISOString() : null,
    reason: r?.reason ?? null,
    findings_summary: summary ?? summarise(await unitPeriodFindings(db, unit, p, ref, reconciler)),
  };
}

export async function periodState(db: Db, auth: Auth, p: unknown, query: { unit?: unknown }, ref: ReferenceData, reconciler?: Reconciler): Promise<PeriodStateResponse> {
  const unit = await unitScope(db, auth, query.unit);
  return stateOf(db, unit, period(p), ref, reconciler);
}

/** Every unit × one month: pushed when and by whom, findings by severity, open or closed (reviewers). */
export async function periodBoard(db: Db, p: unknown, ref: ReferenceData, reconciler?: Reconciler): Promise<BoardResponse> {
  const month = period(p);
  const units = await db.models.Unit.findAll({ order: [['code', 'ASC']] });
  const rows: BoardResponse['units'] = [];
  for (const u of units) {
    const [state, last, snapshots] = await Promise.all([
      stateOf(db, { id: u.id, code: u.code }, month, ref, reconciler),
      db.models.Snapshot.findOne({ where: { unit_id: u.id, period: month }, order: [['id', 'DESC']] }),
      db.models.Snapshot.count({ where: { unit_id: u.id, period: month } }),
    ]);
    rows.push({ ...state, unit_name: u.name, last_push_at: last ? last.created_at.toISOString() : null, last_push_by: last?.created_by ?? null, snapshots });
  }
  return { period: month, units: rows };
}

function changeRequest(body: unknown, query: { unit?: unknown }) {
  const r = PeriodChangeSchema.safeParse(body ?? {});
  if (!r.success) throw fromZod(r.error.issues);
  return { ...r.data, unit: r.data.unit ?? (typeof query.unit === 'string' ? query.unit : undefined) };
}

export async function closePeriod(db: Db, auth: Auth, p: unknown, body: unknown, query: { unit?: unknown }, ref: ReferenceData, reconciler?: Reconciler): Promise<PeriodStateResponse> {
  const month = period(p);
  const req = changeRequest(body, query);
  if (req.reason !== undefined) {
    throw badRequest({
      zh: '原因：只在重新打开时填写；本月有错误仍要结账时，请填写结账原因',
      en: 'reason: only for reopen; to close despite errors, send override with the reason',
    }, 'reason');
  }
  const unit = await unitScope(db, auth, req.unit);
  const findings = summarise(await unitPeriodFindings(db, unit, month, ref, reconciler));
  if (findings.error > 0 && req.override === undefined) {
    throw conflict('period_has_errors', {
      zh: `${unit.code} ${month} 还有 ${findings.error} 个错误，未结账：请更正后重新推送；如确需结账，请填写结账原因后再结账`,
      en: `${unit.code} ${month} has ${findings.error} error-level findings: correct them and push again, or close with an override and its reason`,
    });
  }
  const row = await db.write(async (t) => {
    await lockPeriod(db, t, unit.id, month, 'exclusive');
    const current = await db.models.Period.findOne({ where: { unit_id: unit.id, period: month }, transaction: t });
    if (current?.status === 'closed') {
      throw conflict('period_closed', {
        zh: `${unit.code} ${month} 已由 ${closedByZh(current)} 结账，无需再次结账`,
        en: `${unit.code} ${month} is already closed (by ${current.changed_by} at ${current.changed_at?.toISOString()})`,
      });
    }
    const heads = await db.models.LedgerHead.findAll({ where: { unit_id: unit.id, period: month }, transaction: t });
    const values = { status: 'closed' as const, changed_by: auth.actor, changed_at: new Date(), reason: req.override ?? null };
    const saved = current ? await current.update(values, { transaction: t }) : await db.models.Period.create({ unit_id: unit.id, period: month, ...values }, { transaction: t });
    await audit(db, {
      auth, unitId: unit.id, action: 'close', period: month,
      details: { unit: unit.code, findings, override: req.override ?? null, snapshots: Object.fromEntries(heads.map((h) => [h.kind, h.snapshot_id])) },
    }, t);
    return saved;
  });
  return stateOf(db, unit, month, ref, reconciler, row, findings);
}

export async function reopenPeriod(db: Db, auth: Auth, p: unknown, body: unknown, query: { unit?: unknown }, ref: ReferenceData, reconciler?: Reconciler): Promise<PeriodStateResponse> {
  const month = period(p);
  const req = changeRequest(body, query);
  if (req.override !== undefined) throw badRequest({ zh: '结账原因：只在结账时填写；重新打开请填写原因', en: 'override: only for close' }, 'override');
  if (req.reason === undefined) {
    throw badRequest({
      zh: '原因：重新打开已结账的月份须写明原因，原因记入审计记录',
      en: 'reason: reopening a closed month needs a reason, kept in the audit trail',
    }, 'reason');
  }
  const unit = await unitScope(db, auth, req.unit);
  const row = await db.write(async (t) => {
    await lockPeriod(db, t, unit.id, month, 'exclusive');
    const current = await db.models.Period.findOne({ where: { unit_id: unit.id, period: month }, transaction: t });
    if (current?.status !== 'closed') throw conflict('period_open', { zh: `${unit.code} ${month} 尚未结账，无需重新打开`, en: `${unit.code} ${month} is not closed` });
    const saved = await current.update({ status: 'open', changed_by: auth.actor, changed_at: new Date(), reason: req.reason! }, { transaction: t });
    await audit(db, { auth, unitId: unit.id, action: 'reopen', period: month, details: { unit: unit.code, reason: req.reason, closed_by: current.changed_by } }, t);
    return saved;
  });
  return stateOf(db, unit, month, ref, reconciler, row);
}

const DiffQuery = z.object({ kind: z.enum(LEDGER_KINDS as unknown as [LedgerKind, ...LedgerKind[]]).optional(), unit: z.string().optional() });

/** Rows added, removed and changed in each ledger against the latest snapshot of the month before. */
export async function periodDiff(db: Db, auth: Auth, p: unknown, query: unknown): Promise<DiffResponse> {
  const month = period(p);
  const q = DiffQuery.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const previous = previousPeriod(month);
  const heads = await db.models.LedgerHead.findAll({ where: { unit_id: unit.id, period: [month, previous] } });
  const ledgers: DiffResponse['ledgers'] = [];
  for (const kind of q.data.kind ? [q.data.kind] : LEDGER_KINDS) {
    const now = heads.find((h) => h.kind === kind && h.period === month);
    const before = heads.find((h) => h.kind === kind && h.period === previous);
    if (!now && !before) continue;
    const [a, b] = await Promise.all([now ? loadLedgerRows(db, kind, now.snapshot_id) : [], before ? loadLedgerRows(db, kind, before.snapshot_id) : []]);
    ledgers.push({ ...diffLedger(kind, b, a), snapshot_id: now?.snapshot_id ?? null, previous_snapshot_id: before?.snapshot_id ?? null });
  }
  return { unit: unit.code, period: month, previous_period: previous, ledgers };
}

const AuditQuery = z.object({
  period: PeriodSchema.optional(),
  unit: z.string().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

/** The audit trail, oldest first (reviewers). */
export async function listAudit(db: Db, query: unknown): Promise<AuditResponse> {
  const q = AuditQuery.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const where: Record<string, unknown> = {};
  if (q.data.period) where.period = q.data.period;
  if (q.data.unit) {
    const unit = await db.models.Unit.findOne({ where: { code: q.data.unit } });
    if (!unit) throw noUnit(q.data.unit);
    where.unit_id = unit.id;
  }
  const { rows, count } = await db.models.AuditEvent.findAndCountAll({ where, order: [['id', 'ASC']], offset: q.data.offset, limit: q.data.limit });
  const units = new Map((await db.models.Unit.findAll({ where: { id: { [Op.in]: [...new Set(rows.map((r) => r.unit_id).filter((x): x is number => x !== null))] } } })).map((u) => [u.id, u.code]));
  return {
    events: rows.map((e) => ({ id: e.id, at: e.at.toISOString(), unit: e.unit_id === null ? null : (units.get(e.unit_id) ?? null), actor: e.actor, action: e.action, period: e.period, details: JSON.parse(e.details) as Record<string, unknown> })),
    offset: q.data.offset,
    limit: q.data.limit,
    total: count,
  };
}
