import type { Knex } from 'knex';

/**
 * One pool per Organization and product. `assigned` is kept exact by a trigger
 * on seat_assignments (next migration), and invariant 2 is a CHECK: no
 * interleaving of requests can commit more seats than the limit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('seat_pools', (t) => {
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('product').notNullable();
    t.integer('seat_limit').notNullable();
    t.integer('assigned').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['organization_id', 'product']);
  });
  await knex.raw('ALTER TABLE seat_pools ADD CONSTRAINT seat_pools_assigned_within_limit CHECK (assigned >= 0 AND assigned <= seat_limit)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seat_pools');
}
