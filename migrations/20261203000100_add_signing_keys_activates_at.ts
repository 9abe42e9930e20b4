import type { Knex } from 'knex';

/**
 * When a signing key starts signing. `roster signing-key rotate` publishes the next key ahead
 * of that time, so every instance has read it (and verifies tokens it signs) before any instance
 * signs with it. Keys that exist already have signed since they were created.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signing_keys', (t) => {
    t.timestamp('activates_at', { useTz: true });
  });
  await knex('signing_keys').update({ activates_at: knex.ref('created_at') });
  await knex.schema.alterTable('signing_keys', (t) => {
    t.timestamp('activates_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).alter();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('signing_keys', (t) => {
    t.dropColumn('activates_at');
  });
}
