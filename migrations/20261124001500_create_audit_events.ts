import type { Knex } from 'knex';

/**
 * Who did what to whom, written in the same transaction as the change.
 * No foreign keys: the record outlives what it names.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable();
    t.text('actor_type').notNullable();
    t.text('actor_id');
    t.text('action').notNullable();
    t.text('target_type').notNullable();
    t.text('target_id').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('request_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_valid CHECK (actor_type IN ('member', 'scim_token', 'sso', 'system'))`);
  await knex.raw('CREATE INDEX audit_events_organization_time ON audit_events (organization_id, created_at DESC, id DESC)');
  await knex.raw('CREATE INDEX audit_events_target ON audit_events (organization_id, target_type, target_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
}
