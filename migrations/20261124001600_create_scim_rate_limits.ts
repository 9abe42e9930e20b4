import type { Knex } from 'knex';

/**
 * Per-token request counters for SCIM rate limiting, shared by every Roster
 * instance on the database. UNLOGGED: a counter lost in a crash costs nothing,
 * and a transaction that writes only unlogged tables does not wait for a WAL
 * flush, so counting a request stays cheap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE UNLOGGED TABLE scim_rate_limits (
    token_id uuid NOT NULL REFERENCES scim_tokens (id) ON DELETE CASCADE,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (token_id, window_start)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_rate_limits');
}
