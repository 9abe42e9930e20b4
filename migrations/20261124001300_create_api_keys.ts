import type { Knex } from 'knex';

/** A member's API key for one Workspace: only a SHA-256 hash is kept; the key is shown once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    // Kept (revoked) after the member is removed, so the key list still tells whose it was.
    t.uuid('member_id').references('id').inTable('members').onDelete('SET NULL');
    t.uuid('workspace_id').notNullable().references('id').inTable('workspaces').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('prefix').notNullable();
    t.text('key_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_reason');
  });
  await knex.raw('CREATE INDEX api_keys_member ON api_keys (member_id) WHERE revoked_at IS NULL');
  await knex.raw('CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_keys');
}
