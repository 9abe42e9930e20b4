import { lookup as systemLookup } from 'node:dns/promises';
import { request, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import { InvalidInputError } from '../../errors.js';
import { maxMetadataBytes } from './metadata.js';
import { isPublicAddress } from './public-address.js';

/** Fetches the IdP metadata document an admin named by URL; refuses anything unsafe with an InvalidInputError. */
export type MetadataFetcher = (url: string) => Promise<string>;

interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * What a metadata fetch may do. Production uses `productionFetchPolicy` and nothing else:
 * Roster's config has no switch for it. Tests build a fetcher with their own policy (a
 * loopback server, its self-signed CA), passed to `createApp` as a dependency.
 */
export interface MetadataFetchPolicy {
  /** Every address of the host must pass, and the connection's peer is checked again. */
  isAllowedAddress(address: string): boolean;
  lookup(hostname: string): Promise<ResolvedAddress[]>;
  /** Covers connecting, TLS and the whole body. */
  timeoutMs: number;
  maxBytes: number;
  /** Extra trusted CA certificates (PEM); production trusts Node's bundled roots only. */
  ca?: string[];
}

export const productionFetchPolicy: MetadataFetchPolicy = {
  isAllowedAddress: isPublicAddress,
  lookup: (hostname) => systemLookup(hostname, { all: true, verbatim: true }),
  timeoutMs: 5000,
  maxBytes: maxMetadataBytes,
};

const maxUrlLength = 2048;

/**
 * A fetcher of IdP metadata over https that cannot be aimed at Roster's own network: the host is
 * resolved first and refused unless every address it has is allowed (public unicast); Roster then
 * connects to that checked address itself — no second lookup a rebinding DNS server could answer
 * differently — with the URL's host name for SNI and certificate checks, and checks the peer
 * again once connected. Redirects are not followed (a 3xx is refused: it could point anywhere);
 * the body is capped at the metadata parser's limit and the whole exchange at a short timeout.
 * The caller parses the answer with the metadata parser, as pasted XML is.
 */
export function createMetadataFetcher(policy: MetadataFetchPolicy = productionFetchPolicy): MetadataFetcher {
  return async (text) => {
    const url = requireMetadataUrl(text);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const address = await checkedAddress(hostname, policy);
    return download(url, hostname, address, policy);
  };
}

function refuse(code: string, message: string, details?: Record<string, unknown>): never {
  throw new InvalidInputError(code, message, details);
}

function requireMetadataUrl(text: string): URL {
  const trimmed = text.trim();
  let url: URL | undefined;
  try {
    url = trimmed.length <= maxUrlLength ? new URL(trimmed) : undefined;
  } catch {
    url = undefined;
  }
  if (!url) return refuse('invalid_metadata_url', `The metadata URL must be an absolute https URL of at most ${maxUrlLength} characters`);
  if (url.protocol !== 'https:')
    refuse('invalid_metadata_url', 'The metadata URL must use https: Roster trusts the certificates in it only over a verified connection');
  if (url.username || url.password) refuse('invalid_metadata_url', 'The metadata URL must not contain a user name or password');
  return url;
}

async function checkedAddress(hostname: string, policy: MetadataFetchPolicy): Promise<ResolvedAddress> {
  let addresses: ResolvedAddress[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await policy.lookup(hostname);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return refuse('metadata_fetch_failed', `Could not resolve ${hostname}${typeof code === 'string' ? ` (${code})` : ''}`, { host: hostname });
    }
  }
  if (addresses.length === 0) refuse('metadata_fetch_failed', `${hostname} has no address`, { host: hostname });
  // All of them, not just the first: the connection must not be able to land on a refused one.
  const blocked = addresses.find((candidate) => !policy.isAllowedAddress(candidate.address));
  if (blocked) {
    refuse(
      'metadata_url_not_public',
      `The metadata URL's host ${hostname} is at ${blocked.address}, which is not a public address; Roster fetches metadata from the internet only (upload the XML instead)`,
      {
        host: hostname,
        address: blocked.address,
      },
    );
  }
  return addresses[0]!;
}

function download(url: URL, hostname: string, resolved: ResolvedAddress, policy: MetadataFetchPolicy): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const fail = (code: string, message: string, details?: Record<string, unknown>) => {
      clearTimeout(timer);
      req.destroy();
      reject(new InvalidInputError(code, message, details));
    };
    const options: RequestOptions = {
      host: resolved.address,
      family: resolved.family,
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // SNI and the certificate's name check use the URL's host, not the address connected to.
      ...(isIP(hostname) ? {} : { servername: hostname }),
      headers: { host: url.host, accept: 'application/samlmetadata+xml, application/xml, text/xml', 'accept-encoding': 'identity', 'user-agent': 'Roster' },
      agent: false,
      ...(policy.ca ? { ca: policy.ca } : {}),
    };
    const req = request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        fail('metadata_fetch_redirect', `The metadata URL answered ${status}, a redirect; Roster does not follow redirects: give the final URL`, {
          status,
          ...(typeof res.headers.location === 'string' ? { location: res.headers.location.slice(0, maxUrlLength) } : {}),
        });
        return;
      }
      if (status !== 200) {
        fail('metadata_fetch_failed', `The metadata URL answered HTTP ${status}, not 200`, { status });
        return;
      }
      const tooLarge = () => fail('metadata_too_large', `IdP metadata must be at most ${policy.maxBytes / 1024} KB`, { limitBytes: policy.maxBytes });
      if (Number(res.headers['content-length'] ?? 0) > policy.maxBytes) {
        tooLarge();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > policy.maxBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', (error) => fail('metadata_fetch_failed', `Reading the metadata failed: ${error.message}`));
    });
    req.on('socket', (socket) => {
      socket.on('connect', () => {
        // The address connected to is the one checked; say so again rather than assume it.
        const peer = socket.remoteAddress;
        if (!peer || !policy.isAllowedAddress(peer))
          fail('metadata_url_not_public', `Connected to ${peer ?? 'an unknown address'}, which is not a public address`, { host: hostname });
      });
    });
    req.on('error', (error) => fail('metadata_fetch_failed', `Could not fetch the metadata from ${url.host}: ${error.message}`, { host: url.host }));
    const timer = setTimeout(
      () => fail('metadata_fetch_timeout', `The metadata URL did not answer within ${policy.timeoutMs / 1000} s`, { timeoutMs: policy.timeoutMs }),
      policy.timeoutMs,
    );
    req.end();
  });
}
