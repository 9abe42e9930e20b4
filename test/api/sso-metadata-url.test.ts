import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { generate } from 'selfsigned';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { maxMetadataBytes } from '../../src/sso/saml/metadata.js';
import { createMetadataFetcher, productionFetchPolicy, type MetadataFetchPolicy } from '../../src/sso/saml/metadata-fetch.js';
import { isPublicAddress } from '../../src/sso/saml/public-address.js';
import { apiClient, authApp, sessionFor } from '../support/auth.js';
import { db } from '../support/database.js';
import { makeOrganization } from '../support/factories.js';
import { createTestIdp, type TestIdp } from '../support/saml-idp.js';
import { testConfig } from '../support/scim.js';

/** The name the local metadata server's certificate is issued to; the tests' lookup sends it to loopback. */
const idpHost = 'idp.roster.test';

interface MetadataServer {
  origin: string;
  ca: string;
  close(): Promise<void>;
}

/** An https server on 127.0.0.1 with a self-signed certificate for `idpHost`, serving a few paths. */
async function startMetadataServer(idp: TestIdp): Promise<MetadataServer> {
  const pems = await generate([{ name: 'commonName', value: idpHost }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: idpHost }] }],
  });
  const big = `<x>${' '.repeat(maxMetadataBytes)}</x>`;
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/metadata': (res) => res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(idp.metadataXml()),
    '/moved': (res) => res.writeHead(302, { location: `https://${idpHost}/metadata` }).end(),
    '/missing': (res) => res.writeHead(404).end('not here'),
    '/large': (res) => res.writeHead(200, { 'content-length': Buffer.byteLength(big) }).end(big),
    // No Content-Length: the cap must hold while the body streams in.
    '/large-chunked': (res) => {
      res.writeHead(200);
      for (let sent = 0; sent <= maxMetadataBytes; sent += 16_384) res.write(' '.repeat(16_384));
      res.end();
    },
    '/hang': () => undefined,
  };
  const open = new Set<ServerResponse>();
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://${idpHost}:${(server.address() as AddressInfo).port}`,
    ca: pems.cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The production rules, except that `idpHost` resolves to loopback and loopback is allowed: the local server. */
function localPolicy(server: MetadataServer, overrides: Partial<MetadataFetchPolicy> = {}): MetadataFetchPolicy {
  return {
    isAllowedAddress: (address) => address === '127.0.0.1',
    lookup: async (hostname) => {
      if (hostname === idpHost || hostname === `other.${idpHost}`) return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    },
    timeoutMs: 2000,
    maxBytes: maxMetadataBytes,
    ca: [server.ca],
    ...overrides,
  };
}

describe('PUT /api/v1/sso with a metadata URL', () => {
  let idp: TestIdp;
  let server: MetadataServer;
  before(async () => {
    idp = await createTestIdp();
    server = await startMetadataServer(idp);
  });
  after(() => server.close());

  const appFetchingWith = (policy: MetadataFetchPolicy): Express =>
    createApp({ config: testConfig(), knex: db(), logger: createLogger('silent'), checkApiResponses: true, fetchMetadata: createMetadataFetcher(policy) });

  async function adminOf(app: Express) {
    const org = await makeOrganization();
    return apiClient(app, await sessionFor(app, org.id, org.admin.userName));
  }

  it('connects the IdP from the metadata its https URL serves, parsed like pasted metadata', async () => {
    const admin = await adminOf(appFetchingWith(localPolicy(server)));
    const created = await admin.put('/sso', { metadataUrl: `${server.origin}/metadata` }).expect(201);
    assert.equal(created.body.connection.idpEntityId, idp.entityId);
    assert.equal(created.body.connection.ssoUrl, idp.ssoUrl);
    assert.equal(created.body.connection.certificates, 1);
  });

  it('refuses, with the production rules, plain http and hosts that are not public, before connecting anywhere', async () => {
    const admin = await adminOf(authApp());
    const cases: Array<[string, string]> = [
      [`http://${idpHost}/metadata`, 'invalid_metadata_url'],
      ['ftp://idp.example.com/metadata', 'invalid_metadata_url'],
      ['https://user:secret@idp.example.com/metadata', 'invalid_metadata_url'],
      ['not a url', 'invalid_metadata_url'],
      ['https://localhost/metadata', 'metadata_url_not_public'],
      ['https://127.0.0.1/metadata', 'metadata_url_not_public'],
      ['https://127.8.9.10:8443/metadata', 'metadata_url_not_public'],
      ['https://[::1]/metadata', 'metadata_url_not_public'],
      ['https://[::ffff:127.0.0.1]/metadata', 'metadata_url_not_public'],
      ['https://10.1.2.3/metadata', 'metadata_url_not_public'],
      ['https://172.16.0.1/metadata', 'metadata_url_not_public'],
      ['https://192.168.1.1/metadata', 'metadata_url_not_public'],
      ['https://169.254.169.254/latest/meta-data', 'metadata_url_not_public'],
      ['https://[fe80::1]/metadata', 'metadata_url_not_public'],
      ['https://[fd00::1]/metadata', 'metadata_url_not_public'],
      ['https://224.0.0.1/metadata', 'metadata_url_not_public'],
      ['https://0.0.0.0/metadata', 'metadata_url_not_public'],
      ['https://[::]/metadata', 'metadata_url_not_public'],
    ];
    for (const [metadataUrl, code] of cases) {
      assert.equal((await admin.put('/sso', { metadataUrl }).expect(400)).body.error.code, code, metadataUrl);
    }
    assert.equal((await admin.get('/sso').expect(200)).body.connection, null, 'nothing was saved');
  });

  it('refuses a host name any of whose addresses is private, even beside a public one', async () => {
    const resolvingTo = (...addresses: string[]) =>
      createMetadataFetcher({ ...productionFetchPolicy, lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })) });
    for (const addresses of [['10.0.0.5'], ['93.184.216.34', '10.0.0.5'], ['2606:2800:220:1::1', '::1'], ['192.168.0.10']]) {
      await assert.rejects(resolvingTo(...addresses)('https://idp.example.com/metadata'), { code: 'metadata_url_not_public' }, addresses.join(', '));
    }
  });

  it('does not follow redirects, and refuses error answers, oversized bodies, slow servers and untrusted certificates', async () => {
    const admin = await adminOf(appFetchingWith(localPolicy(server, { timeoutMs: 300 })));
    const refusal = async (path: string) => (await admin.put('/sso', { metadataUrl: `${server.origin}${path}` }).expect(400)).body.error;

    assert.equal((await refusal('/moved')).code, 'metadata_fetch_redirect');
    assert.equal((await refusal('/missing')).code, 'metadata_fetch_failed');
    assert.equal((await refusal('/large')).code, 'metadata_too_large');
    assert.equal((await refusal('/large-chunked')).code, 'metadata_too_large');
    assert.equal((await refusal('/hang')).code, 'metadata_fetch_timeout');
    assert.equal((await admin.get('/sso').expect(200)).body.connection, null, 'nothing was saved');

    const untrusted = createMetadataFetcher(localPolicy(server, { ca: undefined }));
    await assert.rejects(untrusted(`${server.origin}/metadata`), { code: 'metadata_fetch_failed' }, 'a self-signed certificate nobody trusts');
    const wrongName = createMetadataFetcher(localPolicy(server));
    await assert.rejects(
      wrongName(server.origin.replace(idpHost, `other.${idpHost}`) + '/metadata'),
      { code: 'metadata_fetch_failed' },
      "a certificate for another host's name",
    );
  });
});

describe('isPublicAddress', () => {
  it('answers true for public unicast addresses only', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      assert.equal(isPublicAddress(address), true, address);
    }
    for (const address of [
      '0.0.0.0',
      '10.0.0.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '172.31.255.255',
      '192.0.2.1',
      '192.168.0.1',
      '198.18.0.1',
      '224.0.0.251',
      '239.255.255.250',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::127.0.0.1',
      '64:ff9b::a00:1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1%eth0',
      'ff02::1',
      '2001:db8::1',
      '2002:7f00:1::',
      'not an address',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });
});
