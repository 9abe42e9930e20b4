import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.js';
import { createTestIdp, type TestIdp } from '../support/saml-idp.js';

/**
 * A SAML identity provider on loopback for trying Roster's SSO on one machine (the README's
 * walk-through): `node dist/test/walkthrough/test-idp.js` (port `IDP_PORT`, 8081 unless set).
 * It is the test IdP of the test suite behind a small HTTP front, with a key pair made at start
 * (nothing secret in the repository). It signs in whoever it is told to — a test tool, never an
 * IdP for real people.
 *
 * - `GET /metadata`: its SAML metadata, for `PUT /api/v1/sso`.
 * - `GET /sso?SAMLRequest=…&RelayState=…&email=…` (where Roster's login redirects): without
 *   `email`, a page asking for one; with it, the signed Response posted to the ACS the
 *   AuthnRequest names — an auto-submitting form for a browser, or
 *   `{"acsUrl","SAMLResponse","RelayState"}` with `Accept: application/json` (for curl).
 * - It also plays the DNS host of the domains being verified: `POST /dns {"name","value"}`
 *   (Roster's `txtRecord`) publishes a TXT record, answered over UDP on the same port, so
 *   Roster started with `DNS_SERVERS=127.0.0.1:<port>` can verify the domain.
 */

export interface LocalIdp {
  url: string;
  port: number;
  idp: TestIdp;
  dns: TestDnsServer;
  close(): Promise<void>;
}

interface AuthnRequest {
  id: string;
  acsUrl: string;
  issuer: string;
}

export async function startLocalIdp(port = 0): Promise<LocalIdp> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 400, 'text/plain', `${error instanceof Error ? error.message : String(error)}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const chosen = (server.address() as AddressInfo).port;
  // The same port number over UDP: one number to give Roster (DNS_SERVERS) and the walk-through.
  const dns = await startDnsServer(chosen);
  const url = `http://127.0.0.1:${chosen}`;
  const idp = await createTestIdp({ entityId: `${url}/metadata`, ssoUrl: `${url}/sso` });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', url);
    if (req.method === 'GET' && target.pathname === '/metadata') return send(res, 200, 'application/samlmetadata+xml', idp.metadataXml());
    if (req.method === 'POST' && target.pathname === '/dns') {
      const { name, value } = JSON.parse(await body(req)) as { name?: unknown; value?: unknown };
      if (typeof name !== 'string' || typeof value !== 'string') throw new Error('POST /dns takes {"name","value"}');
      dns.setTxt(name, [value]);
      return send(res, 200, 'application/json', `${JSON.stringify({ name, type: 'TXT', value })}\n`);
    }
    if (req.method === 'GET' && target.pathname === '/sso') return signIn(target, req, res);
    send(res, 404, 'text/plain', 'not found\n');
  }

  function signIn(target: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const samlRequest = target.searchParams.get('SAMLRequest');
    if (!samlRequest) throw new Error('GET /sso needs the SAMLRequest Roster redirects with');
    const request = parseAuthnRequest(samlRequest);
    const relayState = target.searchParams.get('RelayState') ?? '';
    const email = target.searchParams.get('email');
    if (!email) return send(res, 200, 'text/html', emailPage(samlRequest, relayState));
    const samlResponse = idp.response({
      acsUrl: request.acsUrl,
      audience: request.issuer,
      inResponseTo: request.id,
      nameId: email,
      sign: 'assertion',
      attributes: { email },
    });
    if (String(req.headers.accept).includes('application/json')) {
      return send(res, 200, 'application/json', `${JSON.stringify({ acsUrl: request.acsUrl, SAMLResponse: samlResponse, RelayState: relayState })}\n`);
    }
    send(res, 200, 'text/html', postPage(request.acsUrl, samlResponse, relayState));
  }

  return {
    url,
    port: chosen,
    idp,
    dns,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dns.close();
    },
  };
}

/** The HTTP-Redirect binding's AuthnRequest (SAML Bindings §3.4.4.1: DEFLATE, then base64). */
function parseAuthnRequest(samlRequest: string): AuthnRequest {
  const xml = inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8');
  const id = /\sID="([^"]+)"/.exec(xml)?.[1];
  const acsUrl = /\sAssertionConsumerServiceURL="([^"]+)"/.exec(xml)?.[1];
  const issuer = /<(?:saml:)?Issuer[^>]*>([^<]+)<\/(?:saml:)?Issuer>/.exec(xml)?.[1];
  if (!id || !acsUrl || !issuer) throw new Error('the AuthnRequest has no ID, AssertionConsumerServiceURL or Issuer');
  return { id, acsUrl: unescape(acsUrl), issuer: unescape(issuer) };
}

function emailPage(samlRequest: string, relayState: string): string {
  return page(
    'Test IdP: sign in',
    `<form method="get" action="/sso"><input type="hidden" name="SAMLRequest" value="${esc(samlRequest)}"><input type="hidden" name="RelayState" value="${esc(relayState)}">` +
      `<label>Sign in as (email) <input name="email" type="email" required autofocus></label> <button>Sign in</button></form>`,
  );
}

function postPage(acsUrl: string, samlResponse: string, relayState: string): string {
  return page(
    'Test IdP: signing you in',
    `<form method="post" action="${esc(acsUrl)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(relayState)}">` +
      `<button>Continue to Roster</button></form><script>document.forms[0].submit()</script>`,
  );
}

function page(title: string, content: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${content}</body></html>`;
}

function send(res: http.ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8` }).end(text);
}

function body(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 64 * 1024) req.destroy(new Error('request too large'));
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

function unescape(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name]!);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.IDP_PORT ?? 8081);
  const running = await startLocalIdp(port);
  process.stdout.write(
    `${JSON.stringify({ msg: 'test IdP listening', url: running.url, metadata: `${running.url}/metadata`, dnsServer: `127.0.0.1:${running.port}` })}\n`,
  );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void running.close().then(() => process.exit(0)));
}
