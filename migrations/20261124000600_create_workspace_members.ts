import type { Knex } from 'knex';

/** Direct Workspace memberships; group grants add to them (see group_workspace_grants). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workspace_members', (t) => {
    t.uuid('workspace_id').notNullable().references('id').inTable('workspaces').onDelete('CASCADE');
    t.uuid('member_id').notNullable().references('id').inTable('members').onDelete('CASCADE');
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('role').notNullable().defaultTo('contributor');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'member_id']);
  });
  await knex.raw(`ALTER TABLE workspace_members ADD CONSTRAINT workspace_members_role_valid CHECK (role IN ('admin', 'contributor'))`);
  await knex.raw('CREATE INDEX workspace_members_member ON workspace_members (member_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('workspace_members');
}
