import type { Knex } from 'knex';

/** One-time sign-in links: stored hashed, valid 15 minutes, used once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_links', (t) => {
    t.uuid('id').primary();
    t.text('token_hash').notNullable().unique();
    t.text('email').notNullable();
    t.uuid('organization_id').references('id').inTable('organizations').onDelete('CASCADE');
    // Set by an operator's link (roster login-link): the member it lets in.
    t.uuid('member_id').references('id').inTable('members').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX sign_in_links_expires ON sign_in_links (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_links');
}
