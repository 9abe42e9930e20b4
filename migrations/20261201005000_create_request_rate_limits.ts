import type { Knex } from 'knex';

/**
 * Request counters for the endpoints that send mail or let people in (sign-in,
 * invitations), keyed by what is limited ("sign-in:ip:…", "sign-in:email:…"),
 * shared by every instance. UNLOGGED like the SCIM counters: cheap to write,
 * and a counter lost in a crash costs nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE UNLOGGED TABLE request_rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (key, window_start)
  )`);
  await knex.raw('CREATE INDEX request_rate_limits_window ON request_rate_limits (window_start)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('request_rate_limits');
}
