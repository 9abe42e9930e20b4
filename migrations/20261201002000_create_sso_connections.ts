import type { Knex } from 'knex';

/**
 * An Organization's SAML SSO connection: the IdP's settings (entity id, SSO URL, signing
 * certificates, attribute mapping), the admin's switches, and the last sign-in outcome.
 * One per Organization, gone with it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sso_connections', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('idp_entity_id').notNullable();
    t.text('sso_url').notNullable();
    // Base64 DER strings; several while the IdP rotates its key.
    t.jsonb('certificates').notNullable();
    t.text('name_id_format');
    t.jsonb('attribute_mapping').notNullable().defaultTo(knex.raw(`'{}'::jsonb`));
    t.boolean('jit_enabled').notNullable().defaultTo(false);
    t.boolean('idp_initiated_enabled').notNullable().defaultTo(false);
    t.boolean('enforced').notNullable().defaultTo(false);
    t.boolean('auto_assign_seats').notNullable().defaultTo(false);
    t.jsonb('auto_seat_products').notNullable().defaultTo(knex.raw(`'[]'::jsonb`));
    t.timestamp('last_success_at', { useTz: true });
    t.timestamp('last_failure_at', { useTz: true });
    t.text('last_failure_reason');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['organization_id'], { indexName: 'sso_connections_organization_unique' });
  });
  await knex.raw(
    `ALTER TABLE sso_connections ADD CONSTRAINT sso_connections_json_shapes CHECK (
       jsonb_typeof(certificates) = 'array' AND jsonb_typeof(attribute_mapping) = 'object' AND jsonb_typeof(auto_seat_products) = 'array')`,
  );
  await knex.raw(`ALTER TABLE sso_connections ADD CONSTRAINT sso_connections_failure_reason_length CHECK (char_length(last_failure_reason) <= 500)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sso_connections');
}
