import { createRequire } from 'node:module';
import { normaliseDomain } from './domain-names.js';

/**
 * Mail domains where anyone can get an address. No Organization may claim one (or a name under
 * one): owning the DNS of gmail.com says nothing about who the people with @gmail.com addresses
 * work for, so verifying it would hand strangers' sign-ins to one tenant.
 *
 * The list is the `email-providers` package's (some 8,800 free and disposable mail domains,
 * bundled in the package and released monthly), read once at start-up. `free-email-domains`,
 * the better-known list, downloads its data in an install script, which fails offline and would
 * make the list differ between installs of one lockfile.
 */
const providers = createRequire(import.meta.url)('email-providers/all.json') as unknown;
if (!Array.isArray(providers) || !providers.every((entry) => typeof entry === 'string')) {
  throw new Error('email-providers/all.json is not a list of domains');
}

/** Well-known providers the package's list lacks (checked against email-providers 2.26.0). */
const missingFromPackage = ['fastmail.com', 'hey.com', 'tuta.io', 'tutanota.com'];

// Stored as Roster stores domains (IDNs as punycode); an entry that is no domain is left out.
const consumerDomains = new Set([...providers, ...missingFromPackage].map((entry: string) => normaliseDomain(entry)).filter((domain) => domain !== undefined));

/** Whether `domain` (normalised: lower-case, no trailing dot) is a consumer mail domain or a name under one. */
export function isConsumerDomain(domain: string): boolean {
  const labels = domain.split('.');
  for (let start = 0; start < labels.length - 1; start++) {
    if (consumerDomains.has(labels.slice(start).join('.'))) return true;
  }
  return false;
}
