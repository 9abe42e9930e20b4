import type { Knex } from 'knex';

/**
 * The admin API filters the audit log by actor and by action, newest first, a
 * page at a time: each filter gets an index in that order, so a page of a long
 * log costs an index range scan rather than a sort of every matching event.
 * (Time ranges and the unfiltered log use audit_events_organization_time; a
 * target's events are few and use audit_events_target.)
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX audit_events_actor ON audit_events (organization_id, actor_type, actor_id, created_at DESC, id DESC)');
  await knex.raw('CREATE INDEX audit_events_action ON audit_events (organization_id, action, created_at DESC, id DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX audit_events_action');
  await knex.raw('DROP INDEX audit_events_actor');
}
