import knex from 'knex';
import type { OperationDescription } from './http/openapi.js';
import { apiRoutes } from './api/router.js';
import { apiDocument } from './api/registry.js';
import { createTxtLookup } from './dns/txt-resolver.js';
import { authOperations } from './sso/auth.openapi.js';
import { samlSettingsSupport } from './sso/saml/settings-support.js';

/** What `/api/v1/openapi.json` describes besides the admin API itself: the sign-in endpoints the console calls. */
export const documentedOutsideApi: readonly OperationDescription[] = authOperations;

/**
 * The document `/api/v1/openapi.json` serves, without a database: for
 * `roster openapi`, which the build runs to type the console's client. Route
 * declarations only touch the database in their handlers, none of which runs
 * here, so a knex that never connects stands in for it.
 */
export async function openApiDocumentOffline(publicUrl: string): Promise<Record<string, unknown>> {
  const db = knex({ client: 'pg' });
  try {
    return apiDocument(
      apiRoutes({ db, publicUrl, lookupTxt: createTxtLookup(), saml: samlSettingsSupport(), invitationRateLimit: 0 }),
      publicUrl,
      documentedOutsideApi,
    );
  } finally {
    await db.destroy();
  }
}
