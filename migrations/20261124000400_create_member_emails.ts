import type { Knex } from 'knex';

/** A member's emails (RFC 7643 §4.1.2), one row each so that filters and SSO lookups use an index. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('member_emails', (t) => {
    t.uuid('member_id').notNullable().references('id').inTable('members').onDelete('CASCADE');
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.smallint('position').notNullable();
    t.text('value').notNullable();
    t.text('type');
    t.boolean('primary').notNullable().defaultTo(false);
    t.text('display');
    t.primary(['member_id', 'position']);
  });
  await knex.raw('CREATE INDEX member_emails_value ON member_emails (organization_id, lower(value))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('member_emails');
}
