import type { Knex } from 'knex';

/**
 * SAML state every Roster instance shares: the AuthnRequest ids awaiting their response
 * (InResponseTo) and the assertion ids already used (replay cache). Both keyed by Organization,
 * so one Organization's id never matches another's response; rows past `expires_at` are dead
 * and swept by `deleteExpiredSamlState`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saml_requests', (t) => {
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('request_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['organization_id', 'request_id'], { constraintName: 'saml_requests_pkey' });
  });
  await knex.raw('CREATE INDEX saml_requests_expires_at ON saml_requests (expires_at)');

  await knex.schema.createTable('saml_assertions', (t) => {
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('assertion_id').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['organization_id', 'assertion_id'], { constraintName: 'saml_assertions_pkey' });
  });
  await knex.raw('CREATE INDEX saml_assertions_expires_at ON saml_assertions (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saml_assertions');
  await knex.schema.dropTable('saml_requests');
}
