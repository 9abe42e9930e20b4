import type { Knex } from 'knex';

/**
 * The console's member list searches by last name or email *containing* the
 * text, and filters by role, a page at a time in id order. A `LIKE '%text%'`
 * can use no B-tree, so in a 100,000-member Organization a search that matches
 * few members read every member (100–250 ms on PostgreSQL); trigram indexes
 * (pg_trgm, shipped with PostgreSQL and loaded into the embedded database) find
 * them directly for a text of three characters or more. The role filter walks
 * (organization_id, role, id) in page order instead of every member.
 *
 * pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may
 * create it. `down` leaves the extension, which something else may use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw('CREATE INDEX members_family_name_trgm ON members USING gin (lower(family_name) gin_trgm_ops)');
  await knex.raw('CREATE INDEX member_emails_value_trgm ON member_emails USING gin (lower(value) gin_trgm_ops)');
  await knex.raw('CREATE INDEX members_organization_role ON members (organization_id, role, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX members_organization_role');
  await knex.raw('DROP INDEX member_emails_value_trgm');
  await knex.raw('DROP INDEX members_family_name_trgm');
}
