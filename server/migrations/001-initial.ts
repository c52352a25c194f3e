/**
 * The first schema. Frozen: later changes come as new migrations, never edits here.
 * Money columns are BIGINT fen; quantities DOUBLE (services may be fractional); dates DATEONLY.
 */
import { DataTypes, ModelAttributes, QueryInterface } from 'sequelize';

type Col = 'text' | 'money' | 'qty' | 'date' | 'year';

const ROW_TABLES: Record<string, Record<string, Col>> = {
  plan_rows: {
    plan_id: 'text', year: 'year', department: 'text', item_code: 'text', item_name: 'text', quantity: 'qty',
    unit_price: 'money', amount: 'money', method: 'text', fund_source: 'text', approval_ref: 'text', note: 'text',
  },
  purchase_rows: {
    purchase_id: 'text', plan_id: 'text', date: 'date', department: 'text', item_code: 'text', item_name: 'text',
    spec: 'text', supplier: 'text', quantity: 'qty', unit_price: 'money', amount: 'money', method: 'text',
    method_exception_ref: 'text', invoice_no: 'text',
  },
  asset_rows: {
    asset_id: 'text', asset_name: 'text', category_code: 'text', item_code: 'text', spec: 'text', value: 'money',
    acquired_date: 'date', purchase_id: 'text', department: 'text', custodian: 'text', location: 'text', status: 'text',
  },
  asset_event_rows: { asset_id: 'text', date: 'date', event: 'text', cost: 'money', to_department: 'text', note: 'text' },
  expense_rows: {
    voucher_no: 'text', date: 'date', department: 'text', econ_class: 'text', amount: 'money', payee: 'text',
    purchase_id: 'text', summary: 'text',
  },
  budget_rows: { year: 'year', department: 'text', econ_class: 'text', amount: 'money', note: 'text' },
};

const TYPE = {
  text: DataTypes.TEXT,
  money: DataTypes.BIGINT,
  qty: DataTypes.DOUBLE,
  date: DataTypes.DATEONLY,
  year: DataTypes.INTEGER,
};

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true };
const now = { type: DataTypes.DATE, allowNull: false };

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('units', {
    id,
    code: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(255), allowNull: true },
    created_at: now,
  });
  await qi.createTable('tokens', {
    id,
    unit_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'units', key: 'id' } },
    role: { type: DataTypes.STRING(16), allowNull: false },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    label: { type: DataTypes.STRING(255), allowNull: true },
    created_at: now,
    revoked_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.createTable('pushes', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    unit_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'units', key: 'id' } },
    token_id: { type: DataTypes.INTEGER, allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    period: { type: DataTypes.STRING(7), allowNull: false },
    head: { type: DataTypes.TEXT, allowNull: false },
    row_count: { type: DataTypes.INTEGER, allowNull: false },
    content_hash: { type: DataTypes.STRING(64), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    snapshot_id: { type: DataTypes.INTEGER, allowNull: true },
    created_at: now,
    expires_at: now,
  });
  await qi.createTable('push_chunks', {
    push_id: { type: DataTypes.STRING(36), primaryKey: true, references: { model: 'pushes', key: 'id' }, onDelete: 'CASCADE' },
    n: { type: DataTypes.INTEGER, primaryKey: true },
    row_count: { type: DataTypes.INTEGER, allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
  });
  await qi.createTable('snapshots', {
    id,
    unit_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'units', key: 'id' } },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    period: { type: DataTypes.STRING(7), allowNull: false },
    content_hash: { type: DataTypes.STRING(64), allowNull: false },
    row_count: { type: DataTypes.INTEGER, allowNull: false },
    source_workbook: { type: DataTypes.STRING(255), allowNull: false },
    head: { type: DataTypes.TEXT, allowNull: false },
    token_id: { type: DataTypes.INTEGER, allowNull: false },
    created_by: { type: DataTypes.STRING(255), allowNull: false },
    created_at: now,
    findings_error: { type: DataTypes.INTEGER, allowNull: false },
    findings_warning: { type: DataTypes.INTEGER, allowNull: false },
    findings_info: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex('snapshots', ['unit_id', 'kind', 'period']);
  // The current snapshot of each unit, kind and period: switched in the commit's transaction.
  await qi.createTable('ledger_heads', {
    unit_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'units', key: 'id' } },
    kind: { type: DataTypes.STRING(16), primaryKey: true },
    period: { type: DataTypes.STRING(7), primaryKey: true },
    snapshot_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'snapshots', key: 'id' } },
    updated_at: now,
  });
  await qi.createTable('findings', {
    id,
    snapshot_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'snapshots', key: 'id' } },
    code: { type: DataTypes.STRING(8), allowNull: false },
    severity: { type: DataTypes.STRING(8), allowNull: false },
    ledger: { type: DataTypes.STRING(16), allowNull: true },
    sheet: { type: DataTypes.STRING(255), allowNull: true },
    row: { type: DataTypes.INTEGER, allowNull: true },
    column: { type: DataTypes.STRING(8), allowNull: true },
    field: { type: DataTypes.STRING(64), allowNull: true },
    ids: { type: DataTypes.TEXT, allowNull: true },
    value: { type: DataTypes.TEXT, allowNull: true },
    expected: { type: DataTypes.TEXT, allowNull: true },
    message_zh: { type: DataTypes.TEXT, allowNull: false },
    message_en: { type: DataTypes.TEXT, allowNull: false },
  });
  await qi.addIndex('findings', ['snapshot_id']);
  await qi.createTable('periods', {
    unit_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'units', key: 'id' } },
    period: { type: DataTypes.STRING(7), primaryKey: true },
    status: { type: DataTypes.STRING(8), allowNull: false },
    changed_by: { type: DataTypes.STRING(255), allowNull: true },
    changed_at: { type: DataTypes.DATE, allowNull: true },
    reason: { type: DataTypes.TEXT, allowNull: true },
  });
  // Append-only: the code has no path that updates or deletes it.
  await qi.createTable('audit_events', {
    id,
    at: now,
    unit_id: { type: DataTypes.INTEGER, allowNull: true },
    token_id: { type: DataTypes.INTEGER, allowNull: true },
    actor: { type: DataTypes.STRING(255), allowNull: false },
    action: { type: DataTypes.STRING(32), allowNull: false },
    period: { type: DataTypes.STRING(7), allowNull: true },
    details: { type: DataTypes.TEXT, allowNull: false },
  });
  for (const [table, cols] of Object.entries(ROW_TABLES)) {
    const attrs: ModelAttributes = {
      id,
      snapshot_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'snapshots', key: 'id' } },
      sheet: { type: DataTypes.STRING(255), allowNull: false },
      source_row: { type: DataTypes.INTEGER, allowNull: false },
      valid: { type: DataTypes.BOOLEAN, allowNull: false },
      raw: { type: DataTypes.TEXT, allowNull: true },
    };
    for (const [name, t] of Object.entries(cols)) attrs[name] = { type: TYPE[t], allowNull: true };
    await qi.createTable(table, attrs);
    await qi.addIndex(table, ['snapshot_id', 'id']);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of [...Object.keys(ROW_TABLES), 'audit_events', 'periods', 'findings', 'ledger_heads', 'snapshots', 'push_chunks', 'pushes', 'tokens', 'units']) {
    await qi.dropTable(table);
  }
}
