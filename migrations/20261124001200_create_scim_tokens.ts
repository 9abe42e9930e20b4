import type { Knex } from 'knex';

/** SCIM bearer tokens: only a SHA-256 hash is kept; the token is shown once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('prefix').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX scim_tokens_organization ON scim_tokens (organization_id) WHERE revoked_at IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_tokens');
}
