import type { Knex } from 'knex';

/** A signed-in Account's session in one Organization; checked on every request. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.uuid('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.uuid('organization_id').references('id').inTable('organizations').onDelete('CASCADE');
    t.uuid('member_id').references('id').inTable('members').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_reason');
  });
  await knex.raw('CREATE INDEX sessions_member ON sessions (member_id) WHERE revoked_at IS NULL');
  await knex.raw('CREATE INDEX sessions_account ON sessions (account_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
