import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

/**
 * The console's one way to call Roster: `client.GET('/api/v1/members', …)`,
 * typed from the OpenAPI document that `npm run build` writes from the route
 * declarations (`roster openapi`, then openapi-typescript into `generated/`).
 * A route change the console does not follow therefore fails the build.
 */
export type RosterClient = Client<paths>;

/** The document's named schemas (`Member`, `Invitation`, `Error`, …). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/**
 * A client for Roster at `baseUrl` (by default the page's own origin). Paths
 * start at the server's root (`/api/v1/…`, `/auth/…`). In the browser the
 * session cookie goes along, and the browser's `Origin` header passes Roster's
 * cross-site check on requests that change something.
 */
export function createRosterClient(options: ClientOptions = {}): RosterClient {
  return createClient<paths>({ baseUrl: '', credentials: 'same-origin', ...options });
}
