import type { Knex } from 'knex';

/**
 * Invitations to join an Organization with a role and seats. The link's token is
 * stored hashed; resending replaces the hash (the old link dies) and the expiry.
 * An invitation past `expires_at` is still `pending` (listed as expired) until it is
 * resent or revoked, so at most one pending invitation per address and Organization
 * stands, whatever its age: `invitations_pending_unique`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invitations', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('email').notNullable();
    t.text('role').notNullable();
    // Products whose seat the invitee takes on joining, when one is free then.
    t.jsonb('seats').notNullable().defaultTo('[]');
    t.text('token_hash').notNullable().unique({ indexName: 'invitations_token_hash_unique' });
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.uuid('invited_by_member_id').references('id').inTable('members').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('accepted_member_id').references('id').inTable('members').onDelete('SET NULL');
  });
  await knex.raw(`ALTER TABLE invitations ADD CONSTRAINT invitations_status_valid CHECK (status IN ('pending', 'accepted', 'revoked'))`);
  await knex.raw(`ALTER TABLE invitations ADD CONSTRAINT invitations_role_valid CHECK (role IN ('admin', 'billing', 'member'))`);
  await knex.raw(`ALTER TABLE invitations ADD CONSTRAINT invitations_seats_array CHECK (jsonb_typeof(seats) = 'array')`);
  await knex.raw(`CREATE UNIQUE INDEX invitations_pending_unique ON invitations (organization_id, lower(email)) WHERE status = 'pending'`);
  await knex.raw('CREATE INDEX invitations_organization_id ON invitations (organization_id, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('invitations');
}
