/** Bearer tokens (stored only as SHA-256 hashes), roles, and which unit a request may see. */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Role } from '../shared/api';
import { Db } from './db';
import { HttpError, Words, notFound } from './http-errors';
import type { SignInThrottle } from './rate-limits';
import { deploymentZone, localTimestamp } from '../shared/dates';
import { roleText } from '../shared/audit-text';

export interface Auth {
  tokenId: number;
  unitId: number;
  unitCode: string;
  role: Role;
  /** Who, for snapshots and the audit trail: the token's label or its unit and role. */
  actor: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: Auth;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): string {
  return 'lsk_' + randomBytes(32).toString('base64url');
}

const RANK: Record<Role, number> = { clerk: 0, reviewer: 1, admin: 2 };

/** Reviewers (and admins) read every unit. */
export const readsAllUnits = (auth: Auth): boolean => RANK[auth.role] >= RANK.reviewer;

const USE_WRITE_INTERVAL_MS = 60_000;

/** Writes a token's last use, at most once a minute per token (lastWritten: this service's own writes). */
function noteUse(db: Db, lastWritten: Map<number, number>, tokenId: number, stored: Date | null, now: Date): void {
  const last = Math.max(lastWritten.get(tokenId) ?? 0, stored ? new Date(stored).getTime() : 0);
  if (now.getTime() - last < USE_WRITE_INTERVAL_MS) return;
  lastWritten.set(tokenId, now.getTime());
  if (lastWritten.size > 100_000) lastWritten.clear();
  // Not awaited: the request does not wait for a bookkeeping write, and its failure is no refusal.
  void db.write((t) => db.models.Token.update({ last_used_at: now }, { where: { id: tokenId }, transaction: t })).catch(() => undefined);
}

/** A moment on the deployment's clock (TZ, else China's; the service's own zone may be UTC): `2026-03-01 09:30`. */
const localTime = (d: Date | string): string => localTimestamp(new Date(d), deploymentZone(process.env));

/** Looks the bearer token up; every refusal is counted against the caller's address by `throttle`. */
export function authenticate(db: Db, throttle: SignInThrottle) {
  const lastWritten = new Map<number, number>();
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    // The scheme is case-insensitive (RFC 9110); the budget is the token's, however it is spelt (rate-limits.ts).
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m) return throttle.failed(req, new HttpError(401, 'unauthorized', {
      zh: '请求没有带令牌：请在设置中填入管理员发给本单位的令牌',
      en: 'missing token: send "Authorization: Bearer <token>"',
    }));
    const row = await db.models.Token.findOne({ where: { token_hash: hashToken(m[1]!) } });
    if (!row) return throttle.failed(req, new HttpError(401, 'unauthorized', { zh: '令牌无效（不存在或已吊销）：请核对令牌，或向管理员申请新令牌', en: 'token refused: unknown or revoked' }));
    const now = new Date();
    if (row.revoked_at) {
      const when = localTime(row.revoked_at);
      await audit(db, { unitId: row.unit_id, action: 'token_refused', details: { token_id: row.id, why: 'revoked' } }).catch(() => undefined);
      return throttle.failed(req, new HttpError(401, 'token_revoked', {
        zh: `此令牌已于 ${when} 被吊销，不能再使用：请向本单位负责 ledger-sync 的管理员申请新令牌`,
        en: `this token was revoked on ${when} and no longer works: ask the administrator who runs ledger-sync for your unit for a new one`,
      }));
    }
    if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime()) {
      const when = localTime(row.expires_at);
      await audit(db, { unitId: row.unit_id, action: 'token_refused', details: { token_id: row.id, why: 'expired' } }).catch(() => undefined);
      return throttle.failed(req, new HttpError(401, 'token_expired', {
        zh: `此令牌已于 ${when} 过期：请向本单位负责 ledger-sync 的管理员申请新令牌`,
        en: `this token expired on ${when}: ask the administrator who runs ledger-sync for your unit for a new one`,
      }));
    }
    const unit = await db.models.Unit.findByPk(row.unit_id);
    if (!unit) return throttle.failed(req, new HttpError(401, 'unauthorized', { zh: '令牌所属的单位已不存在：请向管理员申请新令牌', en: 'token refused: its unit no longer exists' }));
    noteUse(db, lastWritten, row.id, row.last_used_at, now);
    req.auth = {
      tokenId: row.id,
      unitId: unit.id,
      unitCode: unit.code,
      role: row.role as Role,
      actor: row.label ?? `${unit.code}/${row.role}`,
    };
    next();
  };
}

export function requireRole(min: Role) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const role = req.auth!.role;
    if (RANK[role] < RANK[min]) {
      throw new HttpError(403, 'forbidden', {
        zh: `此操作须由${roleText(min, 'zh')}办理，当前令牌属于${roleText(role, 'zh')}：请换用${roleText(min, 'zh')}的令牌`,
        en: `this needs the ${min} role; this token is ${role}`,
      });
    }
    next();
  };
}

/** `unit` that is not a text. */
export const UNIT_CODE_EXPECTED: Words = { zh: '单位：应为单位代码', en: 'unit: a unit code' };

/** A unit that does not exist, or that the caller may not see (answered alike). */
export const noUnit = (code: string) => notFound({ zh: `没有单位 ${code}：请核对单位代码`, en: `no unit ${code}` });

/**
 * The unit a read is about: the token's own, or with `unit=CODE` any unit for reviewers. A clerk
 * asking for another unit gets 404, as if it did not exist.
 */
export async function unitScope(db: Db, auth: Auth, code: unknown): Promise<{ id: number; code: string }> {
  if (code === undefined || code === '' || code === auth.unitCode) return { id: auth.unitId, code: auth.unitCode };
  if (typeof code !== 'string') throw new HttpError(400, 'bad_request', UNIT_CODE_EXPECTED, 'unit');
  if (RANK[auth.role] < RANK.reviewer) throw noUnit(code);
  const unit = await db.models.Unit.findOne({ where: { code } });
  if (!unit) throw noUnit(code);
  return { id: unit.id, code: unit.code };
}

export async function audit(
  db: Db,
  entry: { auth?: Auth; unitId?: number | null; action: string; period?: string | null; details: object },
  transaction?: import('sequelize').Transaction,
): Promise<void> {
  await db.models.AuditEvent.create(
    {
      at: new Date(),
      unit_id: entry.unitId ?? entry.auth?.unitId ?? null,
      token_id: entry.auth?.tokenId ?? null,
      actor: entry.auth?.actor ?? 'system',
      action: entry.action,
      period: entry.period ?? null,
      details: JSON.stringify(entry.details),
    },
    { transaction },
  );
}
