/** Reading snapshots back: the list, and one snapshot with its rows in pages. */
import { z } from 'zod';
import { LEDGER_KINDS, LedgerKind } from '../shared/ledgers';
import { PeriodSchema, SnapshotMeta, SnapshotResponse, PushOpenRequest } from '../shared/api';
import { Db } from './db';
import { Auth, unitScope } from './auth';
import { fromZod, notFound } from './http-errors';
import { countRows, readRows } from './row-store';
import { Snapshot } from './models';

async function meta(db: Db, s: Snapshot, unitCode: string): Promise<SnapshotMeta> {
  const head = await db.models.LedgerHead.findOne({ where: { unit_id: s.unit_id, kind: s.kind, period: s.period } });
  const parsed = JSON.parse(s.head) as Pick<PushOpenRequest, 'source'>;
  return {
    id: s.id,
    unit: unitCode,
    kind: s.kind as LedgerKind,
    period: s.period,
    content_hash: s.content_hash,
    row_count: s.row_count,
    source: { workbook: s.source_workbook, sheets: parsed.source.sheets.map((x) => x.sheet) },
    created_by: s.created_by,
    created_at: s.created_at.toISOString(),
    current: head?.snapshot_id === s.id,
    findings_summary: { error: s.findings_error, warning: s.findings_warning, info: s.findings_info },
  };
}

const ListQuery = z.object({
  kind: z.enum(LEDGER_KINDS).optional(),
  period: PeriodSchema.optional(),
  unit: z.string().optional(),
});

export async function listSnapshots(db: Db, auth: Auth, query: unknown): Promise<{ snapshots: SnapshotMeta[] }> {
  const q = ListQuery.safeParse(query);
  if (!q.success) throw fromZod(q.error.issues);
  const unit = await unitScope(db, auth, q.data.unit);
  const where: Record<string, unknown> = { unit_id: unit.id };
  if (q.data.kind) where.kind = q.data.kind;
  if (q.data.period) where.period = q.data.period;
  const rows = await db.models.Snapshot.findAll({ where, order: [['id', 'DESC']], limit: 1000 });
  return { snapshots: await Promise.all(rows.map((s) => meta(db, s, unit.code))) };
}

const PageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/** A clerk sees only the own unit's snapshots; any other id answers 404. */
async function visibleSnapshot(db: Db, auth: Auth, idText: string): Promise<{ s: Snapshot; unitCode: string }> {
  const none = () => notFound({ zh: `没有编号为 ${idText} 的快照`, en: `no snapshot ${idText}` });
  const id = Number(idText);
  if (!/^\d+$/.test(idText) || !Number.isSafeInteger(id)) throw none();
  const s = await db.models.Snapshot.findByPk(id);
  if (!s) throw none();
  if (s.unit_id !== auth.unitId) {
    if (auth.role === 'clerk') throw none();
  }
  const unit = await db.models.Unit.findByPk(s.unit_id);
  return { s, unitCode: unit?.code ?? '' };
}

export async function getSnapshot(db: Db, auth: Auth, idText: string, query: unknown): Promise<SnapshotResponse> {
  const { s, unitCode } = await visibleSnapshot(db, auth, idText);
  const page = PageQuery.safeParse(query);
  if (!page.success) throw fromZod(page.error.issues);
  const kind = s.kind as LedgerKind;
  const [rows, total] = await Promise.all([readRows(db, kind, s.id, page.data.offset, page.data.limit), countRows(db, kind, s.id)]);
  return { snapshot: await meta(db, s, unitCode), rows, offset: page.data.offset, limit: page.data.limit, total };
}
