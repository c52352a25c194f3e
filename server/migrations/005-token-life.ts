/** Tokens that expire, and when each was last used (tokens.ts). */
import { DataTypes, QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('tokens', 'expires_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('tokens', 'last_used_at', { type: DataTypes.DATE, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('tokens', 'last_used_at');
  await qi.removeColumn('tokens', 'expires_at');
}
