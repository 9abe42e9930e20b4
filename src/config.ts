import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { defaultDatabaseTimeouts as dbDefaults, type DatabaseTimeouts } from './db/timeouts.js';

/**
 * Roster's configuration, read once from the environment and validated.
 * This module is the only reader of `process.env` in `src/`.
 */
export interface Config {
  port: number;
  /** Interface to listen on; absent: every interface (IPv6 and IPv4). */
  host: string | undefined;
  /** Express's `trust proxy`: which forwarding proxies' X-Forwarded-* headers are believed. */
  trustProxy: TrustProxy;
  publicUrl: string;
  /** PostgreSQL connection string; absent means the embedded database. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database (used only without `databaseUrl`). */
  embeddedDbDir: string;
  databasePoolMax: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  shutdownTimeoutMs: number;
  /** SCIM requests allowed per token per minute; 0 turns the limit off. */
  scimRateLimit: number;
  /** How long a verified SCIM token is trusted without asking the database again (ms); 0: never. */
  scimTokenCacheMs: number;
  /** SMTP server for outgoing mail (smtp:// or smtps://); absent: mail is written to the log instead. */
  smtpUrl: string | undefined;
  /** The From address of Roster's mail. */
  mailFrom: string;
  /** DNS servers (ip or ip:port) for domain verification; absent: the system's resolvers. */
  dnsServers: string[] | undefined;
  /** Sign-in requests allowed per client address per minute, and per email address per 10 minutes; 0 turns it off. */
  signInRateLimit: number;
  /** Invitation requests (invite, resend) per Organization per hour; 0 turns it off. */
  invitationRateLimit: number;
  /** Lifetime of a session (ms): how long a sign-in lasts at most. */
  sessionMaxAgeMs: number;
  /** Lifetime of a session's signed token (ms); a cookie is renewed past half of it. */
  sessionTokenTtlMs: number;
  /** How long Roster waits on PostgreSQL (connect, pool, statements, idle transactions, keepalive). */
  databaseTimeouts: DatabaseTimeouts;
}

/** `false` (none), `true` (any), a hop count, or the trusted proxies' addresses, subnets and `loopback`-style names. */
type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value), 'must be a postgres:// or postgresql:// URL');

const hostName = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const host = z
  .string()
  .transform((value) => value.replace(/^\[(.*)\]$/, '$1'))
  .refine((value) => isIP(value) !== 0 || hostName.test(value), 'must be an IP address or a host name');

/** The names express (proxy-addr) knows, or an address with an optional /prefix. */
const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyAddress(entry: string): boolean {
  if (proxyNames.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const trustProxy = z.string().transform((value, context): TrustProxy => {
  const text = value.trim().toLowerCase();
  if (text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0 || !entries.every(isProxyAddress)) {
    context.addIssue({
      code: 'custom',
      message: 'must be false, true, a hop count, or comma-separated addresses, subnets (CIDR), loopback, linklocal or uniquelocal',
    });
    return z.NEVER;
  }
  return entries;
});

/** Each variable, its schema and its default: the README's configuration table mirrors this. */
const variables = {
  PORT: integer(0, 65535).default(8080),
  HOST: host.optional(),
  TRUST_PROXY: trustProxy.default(false),
  PUBLIC_URL: httpUrl.optional(),
  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_DB_DIR: z.string().min(1).default('data/pglite'),
  DATABASE_POOL_MAX: integer(1, 200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  SCIM_RATE_LIMIT: integer(0, 10_000_000).default(6_000),
  SCIM_TOKEN_CACHE_MS: integer(0, 60_000).default(1_000),
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\//.test(value), 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).max(320).default('Roster <no-reply@localhost>'),
  DNS_SERVERS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((server) => server.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/,
              'must be IP addresses, with an optional :port, separated by commas',
            ),
        )
        .min(1),
    )
    .optional(),
  SIGN_IN_RATE_LIMIT: integer(0, 100_000).default(10),
  INVITATION_RATE_LIMIT: integer(0, 100_000).default(60),
  SESSION_MAX_AGE_MS: integer(60_000, 90 * 24 * 3_600_000).default(14 * 24 * 3_600_000),
  SESSION_TOKEN_TTL_MS: integer(30_000, 24 * 3_600_000).default(3_600_000),
  // Database faults: every wait on PostgreSQL is bounded (0 turns off those that allow it).
  DATABASE_CONNECT_TIMEOUT_MS: integer(100, 600_000).default(dbDefaults.connectMs),
  DATABASE_ACQUIRE_TIMEOUT_MS: integer(100, 600_000).default(dbDefaults.acquireMs),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(0, 86_400_000).default(dbDefaults.statementMs),
  DATABASE_QUERY_TIMEOUT_MS: integer(0, 86_400_000).default(dbDefaults.queryMs),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: integer(0, 86_400_000).default(dbDefaults.idleInTransactionMs),
  DATABASE_KEEPALIVE_DELAY_MS: integer(0, 3_600_000).default(dbDefaults.keepAliveDelayMs),
};

type VariableName = keyof typeof variables;

function read<K extends VariableName>(env: NodeJS.ProcessEnv, name: K): z.output<(typeof variables)[K]> {
  const raw = env[name];
  const result = variables[name].safeParse(raw === '' ? undefined : raw);
  if (!result.success) {
    throw new ConfigError(name, result.error.issues.map((issue) => issue.message).join('; '));
  }
  return result.data as z.output<(typeof variables)[K]>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = read(env, 'PORT');
  return {
    port,
    host: read(env, 'HOST'),
    trustProxy: read(env, 'TRUST_PROXY'),
    publicUrl: read(env, 'PUBLIC_URL') ?? `http://localhost:${port}`,
    databaseUrl: read(env, 'DATABASE_URL'),
    embeddedDbDir: path.resolve(read(env, 'EMBEDDED_DB_DIR')),
    databasePoolMax: read(env, 'DATABASE_POOL_MAX'),
    logLevel: read(env, 'LOG_LEVEL'),
    shutdownTimeoutMs: read(env, 'SHUTDOWN_TIMEOUT_MS'),
    scimRateLimit: read(env, 'SCIM_RATE_LIMIT'),
    scimTokenCacheMs: read(env, 'SCIM_TOKEN_CACHE_MS'),
    smtpUrl: read(env, 'SMTP_URL'),
    mailFrom: read(env, 'MAIL_FROM'),
    dnsServers: read(env, 'DNS_SERVERS'),
    signInRateLimit: read(env, 'SIGN_IN_RATE_LIMIT'),
    invitationRateLimit: read(env, 'INVITATION_RATE_LIMIT'),
    sessionMaxAgeMs: read(env, 'SESSION_MAX_AGE_MS'),
    sessionTokenTtlMs: read(env, 'SESSION_TOKEN_TTL_MS'),
    databaseTimeouts: {
      connectMs: read(env, 'DATABASE_CONNECT_TIMEOUT_MS'),
      acquireMs: read(env, 'DATABASE_ACQUIRE_TIMEOUT_MS'),
      statementMs: read(env, 'DATABASE_STATEMENT_TIMEOUT_MS'),
      queryMs: read(env, 'DATABASE_QUERY_TIMEOUT_MS'),
      idleInTransactionMs: read(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
      keepAliveDelayMs: read(env, 'DATABASE_KEEPALIVE_DELAY_MS'),
    },
  };
}
