import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workspaces', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('name').notNullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    // The creator may leave; what they created stays.
    t.uuid('created_by_member_id').references('id').inTable('members').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX workspaces_one_default ON workspaces (organization_id) WHERE is_default');
  await knex.raw('CREATE UNIQUE INDEX workspaces_name_unique ON workspaces (organization_id, lower(name))');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('workspaces');
}
