import type { Knex } from 'knex';

/** A group's role in a Workspace, held by every member of the group. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('group_workspace_grants', (t) => {
    t.uuid('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.uuid('workspace_id').notNullable().references('id').inTable('workspaces').onDelete('CASCADE');
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['group_id', 'workspace_id']);
  });
  await knex.raw(`ALTER TABLE group_workspace_grants ADD CONSTRAINT group_workspace_grants_role_valid CHECK (role IN ('admin', 'contributor'))`);
  await knex.raw('CREATE INDEX group_workspace_grants_workspace ON group_workspace_grants (workspace_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('group_workspace_grants');
}
