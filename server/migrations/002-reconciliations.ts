/**
 * Reconciliation on commit: each unit's period keeps the findings of its latest reconciliation,
 * tagged with the set of snapshots (and reference data) it was computed from.
 */
import { DataTypes, QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('reconciliations', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    unit_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'units', key: 'id' } },
    period: { type: DataTypes.STRING(7), allowNull: false },
    /** `asset=12,plan=10,…@<reference hash>`: what the findings were computed from. */
    basis: { type: DataTypes.TEXT, allowNull: false },
    findings_error: { type: DataTypes.INTEGER, allowNull: false },
    findings_warning: { type: DataTypes.INTEGER, allowNull: false },
    findings_info: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('reconciliations', ['unit_id', 'period'], { unique: true });
  // Validation findings have none; reconciliation findings name their run (and the snapshot they point into).
  await qi.addColumn('findings', 'reconciliation_id', { type: DataTypes.INTEGER, allowNull: true });
  await qi.addIndex('findings', ['reconciliation_id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('findings', ['reconciliation_id']);
  await qi.removeColumn('findings', 'reconciliation_id');
  await qi.dropTable('reconciliations');
}
