import { Resolver } from 'node:dns/promises';

/** Looks up the TXT records of a name: one array of character-strings per record (RFC 1035 §3.3.14). */
export type TxtLookup = (name: string) => Promise<string[][]>;

/**
 * Why a TXT lookup gave no records. `nxdomain` and `no_records` are answers (the
 * name does not exist, or has no TXT records); `failed` means no answer was had
 * (timeout, refused, server failure) and asking again later may help. The
 * message is the reason as an admin should read it.
 */
export type DnsLookupFailure = 'nxdomain' | 'no_records' | 'failed';

export class DnsLookupError extends Error {
  constructor(
    readonly failure: DnsLookupFailure,
    message: string,
    readonly dnsCode?: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

const failureDetails: Record<string, string> = {
  ETIMEOUT: 'timeout',
  ECONNREFUSED: 'connection refused',
  ESERVFAIL: 'server failure (SERVFAIL)',
  EREFUSED: 'query refused (REFUSED)',
  EBADRESP: 'malformed reply',
  EFORMERR: 'the server could not read the query (FORMERR)',
  ENOTIMP: 'the server does not support the query (NOTIMP)',
  ECANCELLED: 'cancelled',
  EBADNAME: 'not a valid name',
};

/** Turns a resolver error into the reason an admin reads. */
function toDnsLookupError(name: string, error: unknown): DnsLookupError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const dnsCode = typeof code === 'string' ? code : undefined;
  switch (dnsCode) {
    case 'ENOTFOUND':
      return new DnsLookupError('nxdomain', `${name} does not exist (NXDOMAIN)`, dnsCode);
    case 'ENODATA':
      return new DnsLookupError('no_records', `${name} has no TXT records`, dnsCode);
  }
  const detail = (dnsCode && failureDetails[dnsCode]) ?? dnsCode ?? (error instanceof Error ? error.message : String(error));
  return new DnsLookupError('failed', `DNS lookup failed: ${detail} (${name})`, dnsCode);
}

/**
 * A TXT lookup on the given servers (`ip`, `ip:port`, `[ipv6]:port`; the system's
 * resolvers when none are given). Each attempt waits at most `timeoutMs` and is
 * tried twice, so a dead server costs seconds, not the resolver's default of
 * several retries with growing waits. Every error comes out as a DnsLookupError.
 * Node's resolver keeps no answer cache of its own, so asking again after an
 * admin publishes the record sees it (a recursive server may still cache a
 * negative answer for the zone's SOA minimum).
 */
export function createTxtLookup(servers?: string[], timeoutMs = 3000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return async (name) => {
    try {
      return await resolver.resolveTxt(name);
    } catch (error) {
      throw toDnsLookupError(name, error);
    }
  };
}
