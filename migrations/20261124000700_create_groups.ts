import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('groups', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('display_name').notNullable();
    t.text('external_id');
    t.text('managed_by').notNullable().defaultTo('none');
    t.uuid('created_by_member_id').references('id').inTable('members').onDelete('SET NULL');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE groups ADD CONSTRAINT groups_managed_by_valid CHECK (managed_by IN ('none', 'scim'))`);
  await knex.raw('CREATE INDEX groups_organization_id ON groups (organization_id, id)');
  await knex.raw('CREATE INDEX groups_display_name ON groups (organization_id, lower(display_name))');
  await knex.raw('CREATE INDEX groups_external_id ON groups (organization_id, external_id) WHERE external_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('groups');
}
