/**
 * A token's life: made for a unit and a role with an expiry, listed (never shown again), revoked.
 * Every step is in the audit trail; authenticate (auth.ts) refuses revoked and expired tokens.
 */
import { Op } from 'sequelize';
import { Role, ROLES } from '../shared/api';
import { roleText } from '../shared/audit-text';
import { Db } from './db';
import { Auth, audit, hashToken, newToken, noUnit } from './auth';
import { HttpError, notFound } from './http-errors';

const UNIT_CODE_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** How long a token lives unless told otherwise: a quarter, so a forgotten token ends on its own. */
export const DEFAULT_EXPIRES_IN = '90d';

const DAY = 86_400_000;

/**
 * `90d`, `12w`, `6m` (30-day months), `1y` (365 days), or `never` (admin tokens only): the moment
 * the token stops working, or null for never. Undefined when the text is none of these.
 */
export function expiryOf(text: string, role: string, now: Date): Date | null | undefined {
  if (text === 'never') return null;
  const m = /^(\d{1,4})([dwmy])$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) return undefined;
  const days = Number(m[1]) * { d: 1, w: 7, m: 30, y: 365 }[m[2] as 'd' | 'w' | 'm' | 'y'];
  return days > 3650 ? undefined : new Date(now.getTime() + days * DAY);
}

export interface TokenInfo {
  id: number;
  unit: string;
  role: Role;
  label: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** active, expired or revoked, as of the listing. */
  state: 'active' | 'expired' | 'revoked';
}

/** Creates the unit if new, and a token for it; returns the token, which is shown only this once. */
export async function createToken(
  db: Db,
  opts: { unit: string; unitName?: string; role: string; label?: string; expiresIn?: string },
  by?: Auth,
): Promise<{ token: string; id: number; unit: string; role: Role; expires_at: string | null }> {
  if (!UNIT_CODE_RE.test(opts.unit)) throw new HttpError(400, 'bad_request', { zh: '单位代码：应为 1–64 个字母、数字或“_”“-”“.”', en: 'unit: 1–64 letters, digits, "_", "-" or "."' }, 'unit');
  if (!(ROLES as readonly string[]).includes(opts.role)) {
    throw new HttpError(400, 'bad_request', {
      zh: `角色：应为 ${ROLES.map((r) => `${r}（${roleText(r, 'zh')}）`).join('、')} 之一`,
      en: `role: one of ${ROLES.join(', ')}`,
    }, 'role');
  }
  const now = new Date();
  const expires = expiryOf(opts.expiresIn ?? DEFAULT_EXPIRES_IN, opts.role, now);
  if (expires === undefined) {
    throw new HttpError(400, 'bad_request', {
      zh: '有效期：应为 90d、12w、6m、1y 这样的天、周、月、年数（最长 10 年），或 never（永不过期）',
      en: 'expires_in: a duration such as 90d, 12w, 6m or 1y (at most 10 years), or never',
    }, 'expires_in');
  }
  if (expires === null && opts.role !== 'admin') {
    throw new HttpError(400, 'bad_request', {
      zh: '有效期：只有管理员的令牌可以永不过期（never），请给出期限，如 90d',
      en: 'expires_in: never is allowed for admin tokens only',
    }, 'expires_in');
  }
  const token = newToken();
  const id = await db.write(async (t) => {
    let unit = await db.models.Unit.findOne({ where: { code: opts.unit }, transaction: t });
    if (!unit) unit = await db.models.Unit.create({ code: opts.unit, name: opts.unitName ?? null, created_at: now }, { transaction: t });
    else if (opts.unitName && unit.name !== opts.unitName) await unit.update({ name: opts.unitName }, { transaction: t });
    const row = await db.models.Token.create(
      { unit_id: unit.id, role: opts.role, token_hash: hashToken(token), label: opts.label ?? null, created_at: now, revoked_at: null, expires_at: expires, last_used_at: null },
      { transaction: t },
    );
    await audit(db, { auth: by, unitId: unit.id, action: 'token_create', details: { token_id: row.id, unit: unit.code, role: opts.role, label: opts.label ?? null, expires_at: expires?.toISOString() ?? null } }, t);
    return row.id;
  });
  return { token, id, unit: opts.unit, role: opts.role as Role, expires_at: expires?.toISOString() ?? null };
}

/** Every token (or one unit's), oldest first: who and what, never the token itself. */
export async function listTokens(db: Db, unit?: string): Promise<TokenInfo[]> {
  const units = await db.models.Unit.findAll();
  const code = new Map(units.map((u) => [u.id, u.code]));
  let where = {};
  if (unit !== undefined) {
    const u = units.find((x) => x.code === unit);
    if (!u) throw noUnit(unit);
    where = { unit_id: u.id };
  }
  const now = Date.now();
  return (await db.models.Token.findAll({ where, order: [['id', 'ASC']] })).map((t) => ({
    id: t.id,
    unit: code.get(t.unit_id) ?? String(t.unit_id),
    role: t.role as Role,
    label: t.label,
    created_at: iso(t.created_at)!,
    last_used_at: iso(t.last_used_at),
    expires_at: iso(t.expires_at),
    revoked_at: iso(t.revoked_at),
    state: t.revoked_at ? 'revoked' : t.expires_at && new Date(t.expires_at).getTime() <= now ? 'expired' : 'active',
  }));
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** Revokes a token at once; revoking it again changes nothing and says when it was. */
export async function revokeToken(db: Db, id: number, by?: Auth): Promise<TokenInfo> {
  await db.write(async (t) => {
    const row = await db.models.Token.findByPk(id, { transaction: t });
    if (!row) throw notFound({ zh: `没有编号为 ${id} 的令牌：请在令牌列表中核对编号`, en: `no token ${id}` });
    if (row.revoked_at) return;
    await db.models.Token.update({ revoked_at: new Date() }, { where: { id, revoked_at: { [Op.is]: null } }, transaction: t });
    await audit(db, { auth: by, unitId: row.unit_id, action: 'token_revoke', details: { token_id: id, role: row.role, label: row.label } }, t);
  });
  return (await listTokens(db)).find((x) => x.id === id)!;
}
