import type { Knex } from 'knex';

/** Which member a SAML NameID stands for, per Organization; its row also marks a member's first SSO sign-in. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sso_identities', (t) => {
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.text('name_id').notNullable();
    t.uuid('member_id').notNullable().references('id').inTable('members').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_sign_in_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['organization_id', 'name_id']);
  });
  await knex.raw('CREATE INDEX sso_identities_member ON sso_identities (member_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sso_identities');
}
