/** Bearer tokens (stored only as SHA-256 hashes), roles, and which unit a request may see. */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Op } from 'sequelize';
import { Role, ROLES } from '../shared/api';
import { Db } from './db';
import { HttpError, notFound } from './http-errors';
import type { SignInThrottle } from './rate-limits';

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

/** Looks the bearer token up; every refusal is counted against the caller's address by `throttle`. */
export function authenticate(db: Db, throttle: SignInThrottle) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('authorization') ?? '';
    // The scheme is case-insensitive (RFC 9110); the budget is the token's, however it is spelt (rate-limits.ts).
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (!m) return throttle.failed(req, new HttpError(401, 'unauthorized', 'missing token: send "Authorization: Bearer <token>"'));
    const row = await db.models.Token.findOne({ where: { token_hash: hashToken(m[1]!), revoked_at: { [Op.is]: null } } });
    if (!row) return throttle.failed(req, new HttpError(401, 'unauthorized', 'token refused: unknown or revoked'));
    const unit = await db.models.Unit.findByPk(row.unit_id);
    if (!unit) return throttle.failed(req, new HttpError(401, 'unauthorized', 'token refused: its unit no longer exists'));
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
    if (RANK[req.auth!.role] < RANK[min]) throw new HttpError(403, 'forbidden', `this needs the ${min} role; this token is ${req.auth!.role}`);
    next();
  };
}

/**
 * The unit a read is about: the token's own, or with `unit=CODE` any unit for reviewers. A clerk
 * asking for another unit gets 404, as if it did not exist.
 */
export async function unitScope(db: Db, auth: Auth, code: unknown): Promise<{ id: number; code: string }> {
  if (code === undefined || code === '' || code === auth.unitCode) return { id: auth.unitId, code: auth.unitCode };
  if (typeof code !== 'string') throw new HttpError(400, 'bad_request', 'unit: a unit code', 'unit');
  if (RANK[auth.role] < RANK.reviewer) throw notFound(`no unit ${code}`);
  const unit = await db.models.Unit.findOne({ where: { code } });
  if (!unit) throw notFound(`no unit ${code}`);
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

const UNIT_CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Creates the unit if new, and a token for it; returns the token, which is shown only this once. */
export async function createToken(
  db: Db,
  opts: { unit: string; unitName?: string; role: string; label?: string },
  by?: Auth,
): Promise<{ token: string; unit: string; role: Role }> {
  if (!UNIT_CODE_RE.test(opts.unit)) throw new HttpError(400, 'bad_request', 'unit: 1–64 letters, digits, "_", "-" or "."', 'unit');
  if (!(ROLES as readonly string[]).includes(opts.role)) throw new HttpError(400, 'bad_request', `role: one of ${ROLES.join(', ')}`, 'role');
  const token = newToken();
  await db.write(async (t) => {
    let unit = await db.models.Unit.findOne({ where: { code: opts.unit }, transaction: t });
    if (!unit) unit = await db.models.Unit.create({ code: opts.unit, name: opts.unitName ?? null, created_at: new Date() }, { transaction: t });
    else if (opts.unitName && unit.name !== opts.unitName) await unit.update({ name: opts.unitName }, { transaction: t });
    const row = await db.models.Token.create(
      { unit_id: unit.id, role: opts.role, token_hash: hashToken(token), label: opts.label ?? null, created_at: new Date(), revoked_at: null },
      { transaction: t },
    );
    await audit(db, { auth: by, unitId: unit.id, action: 'token_create', details: { token_id: row.id, unit: unit.code, role: opts.role, label: opts.label ?? null } }, t);
  });
  return { token, unit: opts.unit, role: opts.role as Role };
}
