import { createMetadataFetcher, type MetadataFetcher } from './metadata-fetch.js';
import { normaliseCertificate, parseIdpMetadata } from './metadata.js';
import { serviceProviderOf } from './service-provider.js';

/**
 * What the admin API's SSO settings need of the SAML protocol, handed to it by the app's wiring
 * (the API imports nothing of src/sso): reading an IdP's metadata, by value or by URL, and its
 * certificates, and Roster's own service-provider values to paste into the IdP.
 */
export function samlSettingsSupport(fetchMetadata: MetadataFetcher = createMetadataFetcher()) {
  return { parseIdpMetadata, normaliseCertificate, fetchMetadata, serviceProviderOf };
}
