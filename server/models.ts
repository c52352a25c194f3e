/** Sequelize models of the service's own tables; the typed ledger rows are in row-store.ts. */
import { DataTypes, InferAttributes, InferCreationAttributes, CreationOptional, Model, Sequelize } from 'sequelize';

export class Unit extends Model<InferAttributes<Unit>, InferCreationAttributes<Unit>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare name: string | null;
  declare created_at: Date;
}

export class Token extends Model<InferAttributes<Token>, InferCreationAttributes<Token>> {
  declare id: CreationOptional<number>;
  declare unit_id: number;
  declare role: string;
  declare token_hash: string;
  declare label: string | null;
  declare created_at: Date;
  declare revoked_at: Date | null;
  declare expires_at: Date | null;
  declare last_used_at: Date | null;
}

export class Push extends Model<InferAttributes<Push>, InferCreationAttributes<Push>> {
  declare id: string;
  declare unit_id: number;
  declare token_id: number;
  declare kind: string;
  declare period: string;
  /** The open request without its rows (JSON). */
  declare head: string;
  declare row_count: number;
  declare content_hash: string;
  declare status: 'open' | 'committed' | 'expired';
  declare snapshot_id: number | null;
  declare created_at: Date;
  declare expires_at: Date;
}

export class PushChunk extends Model<InferAttributes<PushChunk>, InferCreationAttributes<PushChunk>> {
  declare push_id: string;
  declare n: number;
  declare row_count: number;
  declare body: string;
}

export class Snapshot extends Model<InferAttributes<Snapshot>, InferCreationAttributes<Snapshot>> {
  declare id: CreationOptional<number>;
  declare unit_id: number;
  declare kind: string;
  declare period: string;
  declare content_hash: string;
  declare row_count: number;
  declare source_workbook: string;
  declare head: string;
  declare token_id: number;
  declare created_by: string;
  declare created_at: Date;
  declare findings_error: number;
  declare findings_warning: number;
  declare findings_info: number;
}

export class LedgerHead extends Model<InferAttributes<LedgerHead>, InferCreationAttributes<LedgerHead>> {
  declare unit_id: number;
  declare kind: string;
  declare period: string;
  declare snapshot_id: number;
  declare updated_at: Date;
}

export class StoredFinding extends Model<InferAttributes<StoredFinding>, InferCreationAttributes<StoredFinding>> {
  declare id: CreationOptional<number>;
  declare snapshot_id: number;
  declare code: string;
  declare severity: string;
  declare ledger: string | null;
  declare sheet: string | null;
  declare row: number | null;
  declare column: string | null;
  declare field: string | null;
  declare ids: string | null;
  declare value: string | null;
  declare expected: string | null;
  declare message_zh: string;
  declare message_en: string;
  /** Null for validation findings; the reconciliation run for P/A/E/B findings. */
  declare reconciliation_id: CreationOptional<number | null>;
}

export class Period extends Model<InferAttributes<Period>, InferCreationAttributes<Period>> {
  declare unit_id: number;
  declare period: string;
  declare status: 'open' | 'closed';
  declare changed_by: string | null;
  declare changed_at: Date | null;
  declare reason: string | null;
}

export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  declare at: Date;
  declare unit_id: number | null;
  declare token_id: number | null;
  declare actor: string;
  declare action: string;
  declare period: string | null;
  declare details: string;
}

export class Reconciliation extends Model<InferAttributes<Reconciliation>, InferCreationAttributes<Reconciliation>> {
  declare id: CreationOptional<number>;
  declare unit_id: number;
  declare period: string;
  declare basis: string;
  declare findings_error: number;
  declare findings_warning: number;
  declare findings_info: number;
  declare created_at: Date;
}

const UnitModel = Unit;
const TokenModel = Token;
const PushModel = Push;
const PushChunkModel = PushChunk;
const SnapshotModel = Snapshot;
const LedgerHeadModel = LedgerHead;
const StoredFindingModel = StoredFinding;
const PeriodModel = Period;
const AuditEventModel = AuditEvent;
const ReconciliationModel = Reconciliation;

export interface Models {
  Unit: typeof Unit;
  Token: typeof Token;
  Push: typeof Push;
  PushChunk: typeof PushChunk;
  Snapshot: typeof Snapshot;
  LedgerHead: typeof LedgerHead;
  StoredFinding: typeof StoredFinding;
  Period: typeof Period;
  AuditEvent: typeof AuditEvent;
  Reconciliation: typeof Reconciliation;
}

const opts = (sequelize: Sequelize, tableName: string) => ({ sequelize, tableName, timestamps: false });
const str = (n: number, allowNull = false) => ({ type: DataTypes.STRING(n), allowNull });
const int = (allowNull = false) => ({ type: DataTypes.INTEGER, allowNull });
const text = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
const date = (allowNull = false) => ({ type: DataTypes.DATE, allowNull });
const serial = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };

/**
 * The same columns as migration 001; the models never create or alter tables. Each database gets
 * its own subclasses, so that two databases can be open in one process (tests, migrations tools).
 */
export function defineModels(sequelize: Sequelize): Models {
  const Unit = class extends UnitModel {};
  const Token = class extends TokenModel {};
  const Push = class extends PushModel {};
  const PushChunk = class extends PushChunkModel {};
  const Snapshot = class extends SnapshotModel {};
  const LedgerHead = class extends LedgerHeadModel {};
  const StoredFinding = class extends StoredFindingModel {};
  const Period = class extends PeriodModel {};
  const AuditEvent = class extends AuditEventModel {};
  const Reconciliation = class extends ReconciliationModel {};
  Unit.init({ id: serial, code: str(64), name: str(255, true), created_at: date() }, opts(sequelize, 'units'));
  Token.init(
    { id: serial, unit_id: int(), role: str(16), token_hash: str(64), label: str(255, true), created_at: date(), revoked_at: date(true), expires_at: date(true), last_used_at: date(true) },
    opts(sequelize, 'tokens'),
  );
  Push.init(
    {
      id: { type: DataTypes.STRING(36), primaryKey: true },
      unit_id: int(), token_id: int(), kind: str(16), period: str(7), head: text(), row_count: int(), content_hash: str(64),
      status: str(16) as never, snapshot_id: int(true), created_at: date(), expires_at: date(),
    },
    opts(sequelize, 'pushes'),
  );
  PushChunk.init(
    { push_id: { type: DataTypes.STRING(36), primaryKey: true }, n: { type: DataTypes.INTEGER, primaryKey: true }, row_count: int(), body: text() },
    opts(sequelize, 'push_chunks'),
  );
  Snapshot.init(
    {
      id: serial, unit_id: int(), kind: str(16), period: str(7), content_hash: str(64), row_count: int(), source_workbook: str(255),
      head: text(), token_id: int(), created_by: str(255), created_at: date(), findings_error: int(), findings_warning: int(), findings_info: int(),
    },
    opts(sequelize, 'snapshots'),
  );
  LedgerHead.init(
    {
      unit_id: { type: DataTypes.INTEGER, primaryKey: true },
      kind: { type: DataTypes.STRING(16), primaryKey: true },
      period: { type: DataTypes.STRING(7), primaryKey: true },
      snapshot_id: int(),
      updated_at: date(),
    },
    opts(sequelize, 'ledger_heads'),
  );
  StoredFinding.init(
    {
      id: serial, snapshot_id: int(), code: str(8), severity: str(8), ledger: str(16, true), sheet: str(255, true), row: int(true),
      column: str(8, true), field: str(64, true), ids: text(true), value: text(true), expected: text(true), message_zh: text(), message_en: text(),
      reconciliation_id: int(true),
    },
    opts(sequelize, 'findings'),
  );
  Period.init(
    {
      unit_id: { type: DataTypes.INTEGER, primaryKey: true },
      period: { type: DataTypes.STRING(7), primaryKey: true },
      status: str(8) as never, changed_by: str(255, true), changed_at: date(true), reason: text(true),
    },
    opts(sequelize, 'periods'),
  );
  Reconciliation.init(
    { id: serial, unit_id: int(), period: str(7), basis: text(), findings_error: int(), findings_warning: int(), findings_info: int(), created_at: date() },
    opts(sequelize, 'reconciliations'),
  );
  AuditEvent.init(
    { id: serial, at: date(), unit_id: int(true), token_id: int(true), actor: str(255), action: str(32), period: str(7, true), details: text() },
    opts(sequelize, 'audit_events'),
  );
  return { Unit, Token, Push, PushChunk, Snapshot, LedgerHead, StoredFinding, Period, AuditEvent, Reconciliation };
}
