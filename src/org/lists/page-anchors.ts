import type { PageQuery } from './search.js';

/**
 * Where the next index page starts: after serving results [o, o+n) of a list in
 * the default order (by id), Roster remembers the last id, so that the request
 * for startIndex o+n+1 — the next page of an IdP's import — continues after that
 * id instead of making PostgreSQL skip o+n rows again. A deep page then costs
 * what the first one does.
 *
 * It is a hint, kept per process for a minute: a request without one uses
 * OFFSET. The two agree while the list does not change. When it does change
 * mid-import, the anchored page continues where the previous page ended —
 * no member is skipped or repeated — which is what an importing IdP needs
 * (RFC 7644 §3.4.2.4 leaves consistency across changes to the provider).
 */

const maxAnchors = 2_000;
const lifetimeMs = 60_000;

const anchors = new Map<string, { afterId: string; at: number }>();

function keyOf(scope: string, query: PageQuery, offset: number): string {
  return `${scope}\u0000${JSON.stringify(query.where ?? null)}\u0000${offset}`;
}

/** The query to run: keyset from a remembered anchor when there is one, else as asked. */
export function anchored(scope: string, query: PageQuery): PageQuery {
  if (query.sort || query.afterId || query.offset === 0) return query;
  const anchor = anchors.get(keyOf(scope, query, query.offset));
  if (!anchor || Date.now() - anchor.at > lifetimeMs) return query;
  return { ...query, offset: 0, afterId: anchor.afterId };
}

/** Remembers where a full page in the default order ended. */
export function rememberPageEnd(scope: string, query: PageQuery, returned: number, lastId: string | undefined): void {
  if (query.sort || query.afterId || !lastId || returned < query.limit) return;
  if (anchors.size >= maxAnchors) anchors.delete(anchors.keys().next().value!);
  anchors.set(keyOf(scope, query, query.offset + returned), { afterId: lastId, at: Date.now() });
}
