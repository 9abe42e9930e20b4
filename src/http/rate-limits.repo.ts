import type { Knex } from 'knex';

/** Counts one request against `key` in the current window; answers the hits so far and when the window ends. */
export async function countRequest(db: Knex, key: string, windowSeconds: number): Promise<{ hits: number; windowEndsAt: Date }> {
  const result = await db.raw(
    `INSERT INTO request_rate_limits (key, window_start, hits)
     VALUES (?, to_timestamp(floor(extract(epoch FROM now()) / ?) * ?), 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = request_rate_limits.hits + 1
     RETURNING hits, window_start + make_interval(secs => ?) AS window_ends_at`,
    [key, windowSeconds, windowSeconds, windowSeconds],
  );
  const row = result.rows[0] as { hits: number; window_ends_at: Date };
  return { hits: row.hits, windowEndsAt: new Date(row.window_ends_at) };
}

/** Windows that ended are of no use: dropped now and then. */
export async function deleteEndedRateWindows(db: Knex, olderThanSeconds: number): Promise<void> {
  await db.raw('DELETE FROM request_rate_limits WHERE window_start < now() - make_interval(secs => ?)', [olderThanSeconds]);
}
