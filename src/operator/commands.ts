import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { DatabaseKind } from '../db/connection.js';
import { migrateDatabase } from '../db/migrator.js';
import { inTransaction } from '../db/transaction.js';
import { latestMail } from '../mail/outbox.js';
import { createScimToken } from '../org/credentials/credentials.service.js';
import { createOrganization } from '../org/organizations/organizations.service.js';
import { setSeatLimit } from '../org/seats/seats.service.js';
import type { Actor } from '../org/organizations/types.js';
import { SessionTokens } from '../http/session-tokens.js';
import { createOperatorSignInLink } from '../sso/sign-in.service.js';

/**
 * The operator's commands (`roster org create`, `roster outbox`, …) as plain
 * functions of a database and the options given. The `roster` command runs
 * them on a database it opens itself, or — when `roster serve` holds the
 * embedded database — the server runs them for it on its own connection
 * (`control-socket.ts`); either way the answer is the same JSON.
 */

/** A command's options as given on the command line: `--org X` is `{ org: 'X' }`. */
export type CommandOptions = Readonly<Record<string, string | undefined>>;

export interface CommandContext {
  knex: Knex;
  kind: DatabaseKind;
  config: Pick<Config, 'publicUrl' | 'sessionTokenTtlMs' | 'databaseUrl' | 'databaseTimeouts'>;
}

/** The command line was wrong: a missing or malformed option, an unknown command (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const operator: Actor = { type: 'system', id: 'cli' };

function required(options: CommandOptions, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function wholeNumber(options: CommandOptions, name: string, fallback?: number, range: [number, number] = [0, Number.MAX_SAFE_INTEGER]): number {
  const text = options[name];
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number`);
  const value = Number(text);
  if (value < range[0] || value > range[1]) throw new UsageError(`--${name} must be between ${range[0]} and ${range[1]}`);
  return value;
}

type Command = (context: CommandContext, options: CommandOptions) => Promise<unknown>;

const commands: Record<string, Command> = {
  async migrate({ knex, kind, config }) {
    const result = await migrateDatabase(knex, kind, config.databaseUrl, config.databaseTimeouts);
    return { database: kind, applied: result.applied, current: result.current };
  },

  async 'org create'({ knex }, options) {
    const name = required(options, 'name');
    const adminEmail = required(options, 'admin-email');
    const created = await inTransaction(knex, (tx) => createOrganization(tx, operator, { name, adminEmail }));
    return { organizationId: created.organization.id, adminMemberId: created.admin.id };
  },

  async 'scim-token create'({ knex }, options) {
    const organizationId = required(options, 'org');
    const created = await inTransaction(knex, (tx) => createScimToken(tx, operator, organizationId, options.name ?? 'SCIM token'));
    return { id: created.scimToken.id, token: created.token };
  },

  async 'seats set'({ knex }, options) {
    const organizationId = required(options, 'org');
    const product = required(options, 'product');
    required(options, 'limit');
    const limit = wholeNumber(options, 'limit');
    const pool = await inTransaction(knex, (tx) => setSeatLimit(tx, operator, organizationId, product, limit));
    return { organizationId, product: pool.product, limit: pool.limit, assigned: pool.assigned, available: pool.available };
  },

  async 'login-link'({ knex, config }, options) {
    const organizationId = required(options, 'org');
    const email = required(options, 'email');
    const link = await inTransaction(knex, (tx) => createOperatorSignInLink(tx, { organizationId, email, publicUrl: config.publicUrl }));
    return { url: link.url, expiresAt: link.expiresAt.toISOString(), memberId: link.memberId };
  },

  async 'signing-key rotate'({ knex, config }) {
    return new SessionTokens(knex, config.publicUrl, config.sessionTokenTtlMs).rotate();
  },

  async outbox({ knex }, options) {
    const limit = wholeNumber(options, 'limit', 10, [1, 100]);
    const messages = await inTransaction(knex, (tx) => latestMail(tx, { to: options.to, limit }));
    return { messages: messages.map((mail) => ({ ...mail, createdAt: mail.createdAt.toISOString() })) };
  },
};

/** Whether `roster <command>` is one of these (as opposed to `serve`, `help` or a typo). */
export function isOperatorCommand(command: string): boolean {
  return Object.hasOwn(commands, command);
}

/** Runs one operator command; the database's schema must be current (except for `migrate`). */
export function runOperatorCommand(context: CommandContext, command: string, options: CommandOptions): Promise<unknown> {
  if (!isOperatorCommand(command)) throw new UsageError(`unknown command "${command}"`);
  return commands[command]!(context, options);
}
