/**
 * The audit trail is append-only in the database too: an UPDATE or DELETE of audit_events fails,
 * whoever issues it (the code has no such path; this guards against one being added, and against
 * hand edits with a SQL client).
 */
import { QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'postgres') {
    await qi.sequelize.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql`);
    await qi.sequelize.query(`CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await qi.sequelize.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  } else {
    await qi.sequelize.query(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`);
    await qi.sequelize.query(`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  if (qi.sequelize.getDialect() === 'postgres') {
    await qi.sequelize.query('DROP TRIGGER audit_events_no_change ON audit_events');
    await qi.sequelize.query('DROP TRIGGER audit_events_no_truncate ON audit_events');
    await qi.sequelize.query('DROP FUNCTION audit_events_append_only()');
  } else {
    await qi.sequelize.query('DROP TRIGGER audit_events_no_update');
    await qi.sequelize.query('DROP TRIGGER audit_events_no_delete');
  }
}
