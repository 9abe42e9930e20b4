import type { Knex } from 'knex';

/**
 * A Member is one person's membership of one Organization, and the SCIM User
 * resource: core attributes (RFC 7643 §4.1), the EnterpriseUser extension (§4.3),
 * and Roster's role, status and provenance.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('members', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.uuid('account_id').references('id').inTable('accounts').onDelete('SET NULL');
    t.text('user_name').notNullable();
    t.text('external_id');
    t.text('name_formatted');
    t.text('given_name');
    t.text('family_name');
    t.text('middle_name');
    t.text('honorific_prefix');
    t.text('honorific_suffix');
    t.text('display_name');
    t.text('nick_name');
    t.text('profile_url');
    t.text('title');
    t.text('user_type');
    t.text('preferred_language');
    t.text('locale');
    t.text('timezone');
    t.jsonb('phone_numbers').notNullable().defaultTo('[]');
    t.jsonb('ims').notNullable().defaultTo('[]');
    t.jsonb('photos').notNullable().defaultTo('[]');
    t.jsonb('addresses').notNullable().defaultTo('[]');
    t.jsonb('entitlements').notNullable().defaultTo('[]');
    t.jsonb('scim_roles').notNullable().defaultTo('[]');
    t.jsonb('x509_certificates').notNullable().defaultTo('[]');
    t.text('employee_number');
    t.text('cost_center');
    t.text('enterprise_organization');
    t.text('division');
    t.text('department');
    t.text('manager_id');
    t.text('manager_display_name');
    t.text('role').notNullable().defaultTo('member');
    t.text('status').notNullable().defaultTo('active');
    t.text('managed_by').notNullable().defaultTo('none');
    t.text('source').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE members ADD CONSTRAINT members_role_valid CHECK (role IN ('admin', 'billing', 'member'))`);
  await knex.raw(`ALTER TABLE members ADD CONSTRAINT members_status_valid CHECK (status IN ('active', 'suspended'))`);
  await knex.raw(`ALTER TABLE members ADD CONSTRAINT members_managed_by_valid CHECK (managed_by IN ('none', 'scim', 'sso'))`);
  await knex.raw(`ALTER TABLE members ADD CONSTRAINT members_source_valid CHECK (source IN ('bootstrap', 'invitation', 'scim', 'sso', 'domain'))`);
  // Invariant 3: userName is unique per Organization, case-insensitively (RFC 7643 §4.1.1).
  await knex.raw('CREATE UNIQUE INDEX members_user_name_unique ON members (organization_id, lower(user_name))');
  await knex.raw('CREATE UNIQUE INDEX members_account_unique ON members (organization_id, account_id) WHERE account_id IS NOT NULL');
  await knex.raw('CREATE INDEX members_external_id ON members (organization_id, external_id) WHERE external_id IS NOT NULL');
  await knex.raw('CREATE INDEX members_organization_id ON members (organization_id, id)');
  await knex.raw(`CREATE INDEX members_admins ON members (organization_id) WHERE role = 'admin' AND status = 'active'`);
  await knex.raw('CREATE INDEX members_account_id ON members (account_id) WHERE account_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('members');
}
