import type { Knex } from 'knex';

/**
 * Whether an SSO connection signs anyone in. An admin saves the IdP's settings, checks the IdP
 * side, then switches SSO on; switched off, the configuration stays. Connections that exist
 * already have been signing people in, so they stay on; a connection created from now on starts
 * off unless its creator asks otherwise (the service decides; the column default matches it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sso_connections', (t) => {
    t.boolean('enabled').notNullable().defaultTo(true);
  });
  await knex.schema.alterTable('sso_connections', (t) => {
    t.boolean('enabled').notNullable().defaultTo(false).alter();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sso_connections', (t) => {
    t.dropColumn('enabled');
  });
}
