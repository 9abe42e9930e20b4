import type { Knex } from 'knex';

/**
 * Email domains claimed by Organizations, verified by a DNS TXT record. Several
 * Organizations may claim a domain, but `domains_verified_unique` lets at most
 * one hold it verified: two verifications racing on two instances cannot both
 * commit.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('domains', (t) => {
    t.uuid('id').primary();
    t.uuid('organization_id').notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    // Lower-case ASCII (IDNs as punycode), no trailing dot.
    t.text('domain').notNullable();
    t.text('verification_token').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('verified_at', { useTz: true });
    t.timestamp('last_checked_at', { useTz: true });
    t.text('last_error');
    t.boolean('auto_join').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['organization_id', 'domain'], { indexName: 'domains_organization_domain_unique' });
  });
  await knex.raw(`ALTER TABLE domains ADD CONSTRAINT domains_status_check CHECK (status IN ('pending', 'verified'))`);
  await knex.raw(`CREATE UNIQUE INDEX domains_verified_unique ON domains (domain) WHERE status = 'verified'`);
  await knex.raw('CREATE INDEX domains_domain ON domains (domain)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('domains');
}
