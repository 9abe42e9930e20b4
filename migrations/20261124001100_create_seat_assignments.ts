import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('seat_assignments', (t) => {
    t.uuid('organization_id').notNullable();
    t.text('product').notNullable();
    t.uuid('member_id').notNullable().references('id').inTable('members').onDelete('CASCADE');
    t.timestamp('assigned_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['organization_id', 'product', 'member_id']);
    t.foreign(['organization_id', 'product']).references(['organization_id', 'product']).inTable('seat_pools').onDelete('CASCADE');
  });
  await knex.raw('CREATE INDEX seat_assignments_member ON seat_assignments (member_id)');
  // Every insert and delete, including those cascading from a member's removal,
  // moves the pool's counter; the pool's CHECK then refuses an over-assignment.
  await knex.raw(`
    CREATE FUNCTION seat_assignments_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE seat_pools SET assigned = assigned + 1
          WHERE organization_id = NEW.organization_id AND product = NEW.product;
        RETURN NEW;
      END IF;
      UPDATE seat_pools SET assigned = assigned - 1
        WHERE organization_id = OLD.organization_id AND product = OLD.product;
      RETURN OLD;
    END
    $$`);
  await knex.raw(`
    CREATE TRIGGER seat_assignments_count AFTER INSERT OR DELETE ON seat_assignments
      FOR EACH ROW EXECUTE FUNCTION seat_assignments_count()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('seat_assignments');
  await knex.raw('DROP FUNCTION seat_assignments_count()');
}
