/** Asset cards that stand for several units (ledgers.md): their quantity and unit price, and category names. */
import { DataTypes, QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('asset_rows', 'category_name', { type: DataTypes.TEXT, allowNull: true });
  await qi.addColumn('asset_rows', 'quantity', { type: DataTypes.DOUBLE, allowNull: true });
  await qi.addColumn('asset_rows', 'unit_price', { type: DataTypes.BIGINT, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('asset_rows', 'unit_price');
  await qi.removeColumn('asset_rows', 'quantity');
  await qi.removeColumn('asset_rows', 'category_name');
}
