import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('group_members', (t) => {
    t.uuid('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.uuid('member_id').notNullable().references('id').inTable('members').onDelete('CASCADE');
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The primary key serves lookups by group; the index below serves lookups by member.
    t.primary(['group_id', 'member_id']);
  });
  await knex.raw('CREATE INDEX group_members_member ON group_members (member_id, group_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('group_members');
}
