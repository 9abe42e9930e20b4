import type { Knex } from 'knex';

/** An Account is a person's global identity: one per email, across Organizations. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.uuid('id').primary();
    t.text('email').notNullable();
    t.timestamp('email_verified_at', { useTz: true });
    t.text('given_name');
    t.text('family_name');
    t.text('display_name');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('accounts');
}
