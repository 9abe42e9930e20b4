import pg from 'pg';
import { StartUpError } from '../start-up-error.js';

/** How long the start-up check waits for PostgreSQL to answer at all. */
const checkTimeoutMs = 5_000;

/**
 * Connects once to PostgreSQL before the pool does, so that a server that is down, a
 * wrong password or a missing database stops Roster with one line naming the host, the
 * port, the cause and the variable to change, instead of the pool's retries and stack
 * traces.
 */
export async function checkPostgresReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: checkTimeoutMs, application_name: 'roster' });
  try {
    await client.connect();
  } catch (error) {
    client.end().catch(() => {});
    throw new StartUpError(describeFailure(error, client), { cause: error });
  }
  await client.end();
}

function describeFailure(error: unknown, client: pg.Client): string {
  const where = `PostgreSQL at ${client.host}:${client.port}`;
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case '28P01':
    case '28000':
      return `${where} refused user "${client.user}" (${message}); fix the user or password in DATABASE_URL`;
    case '3D000':
      return `${where} has no database "${client.database}"; create it, or name another in DATABASE_URL`;
    case 'ECONNREFUSED':
      return `cannot reach ${where}: connection refused (is it running?); set DATABASE_URL, or unset it for the embedded database`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach ${where}: unknown host; set DATABASE_URL, or unset it for the embedded database`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach ${where}: ${code}; set DATABASE_URL, or unset it for the embedded database`;
    default:
      if (/timeout/i.test(message ?? '')) {
        return `cannot reach ${where}: no answer within ${checkTimeoutMs / 1000} s; set DATABASE_URL, or unset it for the embedded database`;
      }
      return `cannot use ${where}: ${message ?? String(error)}${code ? ` (${code})` : ''}; check DATABASE_URL`;
  }
}
