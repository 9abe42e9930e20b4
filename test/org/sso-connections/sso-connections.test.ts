import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newId } from '../../../src/db/ids.js';
import { inOneStatement } from '../../../src/db/transaction.js';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import { deleteOrganization } from '../../../src/org/organizations/organizations.service.js';
import {
  deleteSsoConnection,
  findSsoConnection,
  getSsoConnection,
  isSsoEnforcedFor,
  recordSsoOutcome,
  saveSsoConnection,
  updateSsoSettings,
  type SsoConnectionInput,
} from '../../../src/org/sso-connections/sso-connections.service.js';
import type { SsoConnection, SsoSettings } from '../../../src/org/sso-connections/types.js';
import { db } from '../../support/database.js';
import { countRows, makeOrganization, rejectionOf, system, tx, type TestOrganization } from '../../support/factories.js';

/** The domain checks a certificate's shape only (the adapter parsed it as X.509), so random DER-sized base64 will do. */
const certificate = () => randomBytes(600).toString('base64');

const idpSettings = (overrides: Partial<SsoConnectionInput> = {}): SsoConnectionInput => ({
  idpEntityId: 'http://www.okta.com/exk1a2b3c4',
  ssoUrl: 'https://acme.okta.com/app/roster/exk1a2b3c4/sso/saml',
  certificates: [certificate()],
  ...overrides,
});

describe('SSO connections', () => {
  const save = (org: TestOrganization, input = idpSettings(), options = {}) => tx((t) => saveSsoConnection(t, org.adminActor, org.id, input, options));
  const configure = (org: TestOrganization, settings: Partial<SsoSettings>, options = {}) =>
    tx((t) => updateSsoSettings(t, org.adminActor, org.id, settings, options));
  const get = (org: TestOrganization) => tx((t) => getSsoConnection(t, org.id));
  const events = (org: TestOrganization, action?: string) =>
    tx((t) => listAuditEvents(t, { organizationId: org.id, targetType: 'sso_connection', ...(action ? { action } : {}) }));

  describe('saving the IdP settings', () => {
    it('creates the connection with every switch off, at version 1, and records it without the certificates', async () => {
      const org = await makeOrganization();
      const certificates = [certificate(), certificate()];
      const connection = await save(org, idpSettings({ certificates, nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }));

      assert.equal(connection.organizationId, org.id);
      assert.equal(connection.idpEntityId, 'http://www.okta.com/exk1a2b3c4');
      assert.deepEqual(connection.certificates, certificates);
      assert.equal(connection.nameIdFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
      assert.deepEqual(connection.attributeMapping, {});
      assert.deepEqual(
        [
          connection.enabled,
          connection.jitEnabled,
          connection.idpInitiatedEnabled,
          connection.enforced,
          connection.autoAssignSeats,
          connection.autoSeatProducts,
        ],
        [false, false, false, false, false, []],
      );
      assert.equal(connection.version, 1);
      assert.equal(connection.lastSuccessAt, null);
      assert.deepEqual(await get(org), connection);

      const [event, ...more] = await events(org);
      assert.equal(more.length, 0);
      assert.equal(event!.action, 'sso.connection_saved');
      assert.equal(event!.targetId, connection.id);
      assert.equal(event!.actorId, org.admin.id);
      assert.equal(event!.data.created, true);
      assert.equal(event!.data.certificates, 2);
      assert.equal(event!.data.idpEntityId, connection.idpEntityId);
      assert.equal(event!.data.ssoUrl, connection.ssoUrl);
      const recorded = JSON.stringify(event!.data);
      for (const cert of certificates) assert.ok(!recorded.includes(cert.slice(0, 32)), 'no certificate content in the audit event');
    });

    it('replaces the IdP settings as a whole and keeps the switches and the last outcomes', async () => {
      const org = await makeOrganization();
      const first = await save(org, idpSettings({ nameIdFormat: 'urn:x', attributeMapping: { email: ['workEmail'] } }));
      await configure(org, { jitEnabled: true, enforced: true, autoSeatProducts: ['chat'] });
      await tx((t) => recordSsoOutcome(t, org.id, { ok: false, reason: 'wrong_issuer' }));

      const rotated = [certificate(), certificate()];
      const replaced = await save(
        org,
        idpSettings({ idpEntityId: 'https://sts.windows.net/tenant/', ssoUrl: 'https://login.microsoftonline.com/tenant/saml2', certificates: rotated }),
      );

      assert.equal(replaced.id, first.id);
      assert.equal(replaced.idpEntityId, 'https://sts.windows.net/tenant/');
      assert.deepEqual(replaced.certificates, rotated);
      assert.equal(replaced.nameIdFormat, null, 'an absent NameID format clears the old one');
      assert.deepEqual(replaced.attributeMapping, {}, 'an absent mapping clears the old one');
      assert.equal(replaced.jitEnabled, true);
      assert.equal(replaced.enforced, true);
      assert.deepEqual(replaced.autoSeatProducts, ['chat']);
      assert.equal(replaced.lastFailureReason, 'wrong_issuer');
      assert.equal(replaced.version, 3);
      assert.equal(replaced.createdAt.getTime(), first.createdAt.getTime());
      assert.equal(await countRows('sso_connections', { organization_id: org.id }), 1);

      const saved = await events(org, 'sso.connection_saved');
      assert.deepEqual(
        saved.map((event) => [event.data.created, event.data.certificates]),
        [
          [true, 1],
          [false, 2],
        ],
      );
    });

    it('changes nothing and records nothing when the same settings are saved again', async () => {
      const org = await makeOrganization();
      const input = idpSettings({ attributeMapping: { email: ['mail'], groups: ['memberOf'] } });
      const connection = await save(org, input);
      assert.deepEqual(await save(org, { ...input, attributeMapping: { groups: ['memberOf'], email: ['mail'] } }), connection);
      assert.equal((await events(org)).length, 1);
    });

    it('trims, de-duplicates certificates and claim names, and keeps the mapping it is given', async () => {
      const org = await makeOrganization();
      const [a, b] = [certificate(), certificate()];
      const connection = await save(
        org,
        idpSettings({
          idpEntityId: '  https://accounts.google.com/o/saml2?idpid=C01abc  ',
          ssoUrl: ' https://accounts.google.com/o/saml2/idp?idpid=C01abc ',
          certificates: [a, b, a],
          attributeMapping: { email: [' primaryEmail ', 'primaryEmail'], displayName: ['fullName'], groups: undefined },
        }),
      );
      assert.equal(connection.idpEntityId, 'https://accounts.google.com/o/saml2?idpid=C01abc');
      assert.equal(connection.ssoUrl, 'https://accounts.google.com/o/saml2/idp?idpid=C01abc');
      assert.deepEqual(connection.certificates, [a, b]);
      assert.deepEqual(connection.attributeMapping, { email: ['primaryEmail'], displayName: ['fullName'] });
      assert.equal((await save(org, idpSettings({ certificates: Array.from({ length: 5 }, certificate) }))).certificates.length, 5);
    });

    it('refuses bad input with a code per field, and stores nothing', async () => {
      const org = await makeOrganization();
      const pem = `-----BEGIN CERTIFICATE-----\n${certificate()}\n-----END CERTIFICATE-----`;
      const refused: Array<[string, Partial<SsoConnectionInput>]> = [
        ...['', '   ', 'x'.repeat(1025), 'urn:a\nb', 42, undefined].map((idpEntityId): [string, Partial<SsoConnectionInput>] => [
          'invalid_entity_id',
          { idpEntityId: idpEntityId as string },
        ]),
        ...[
          '',
          'http://idp.test/sso',
          'http://localhost.idp.test/sso',
          'http://10.0.0.1/sso',
          'idp.test/sso',
          '/sso',
          'javascript:alert(1)',
          'ftp://idp.test/sso',
          'https://admin:secret@idp.test/sso',
          `https://idp.test/${'a'.repeat(2048)}`,
          null,
        ].map((ssoUrl): [string, Partial<SsoConnectionInput>] => ['invalid_sso_url', { ssoUrl: ssoUrl as string }]),
        ...[
          [],
          Array.from({ length: 6 }, certificate),
          [''],
          ['not base64!'],
          ['abc'],
          [pem],
          [`${certificate()}\n`],
          [42],
          [randomBytes(13_000).toString('base64')],
          'MIIB',
          undefined,
        ].map((certificates): [string, Partial<SsoConnectionInput>] => ['invalid_certificates', { certificates: certificates as string[] }]),
        ...[
          { email: [] },
          { email: 'mail' },
          { email: [''] },
          { email: ['  '] },
          { email: [42] },
          { email: ['x'.repeat(513)] },
          { email: Array.from({ length: 11 }, (_, i) => `claim${i}`) },
          { role: ['role'] },
          ['email'],
          'email=mail',
        ].map((attributeMapping): [string, Partial<SsoConnectionInput>] => ['invalid_attribute_mapping', { attributeMapping: attributeMapping as never }]),
      ];
      for (const [code, input] of refused) {
        const error = await rejectionOf(save(org, idpSettings(input)));
        assert.equal(error.kind, 'invalid', JSON.stringify(input));
        assert.equal(error.code, code, JSON.stringify(input));
      }
      assert.equal(await countRows('sso_connections', { organization_id: org.id }), 0);
      assert.equal((await events(org)).length, 0);
    });

    it('refuses a connection for an Organization that does not exist', async () => {
      for (const organizationId of [newId(), 'not-a-uuid']) {
        const error = await rejectionOf(tx((t) => saveSsoConnection(t, system, organizationId, idpSettings())));
        assert.equal(error.code, 'organization_not_found');
      }
    });

    it('makes two first saves at once one create and one replace', async () => {
      const org = await makeOrganization();
      const saved = await Promise.all([save(org), save(org)]);
      assert.equal(await countRows('sso_connections', { organization_id: org.id }), 1);
      assert.deepEqual(saved.map((connection) => connection.version).sort(), [1, 2]);
      assert.deepEqual((await events(org, 'sso.connection_saved')).map((event) => event.data.created).sort(), [false, true]);
    });
  });

  describe('switches', () => {
    it('flips the switches asked for, with one event holding from/to of each change and a version bump', async () => {
      const org = await makeOrganization();
      const created = await save(org);
      const changed = await configure(org, { jitEnabled: true, idpInitiatedEnabled: false, autoAssignSeats: true, autoSeatProducts: ['chat', 'code', 'chat'] });

      assert.equal(changed.jitEnabled, true);
      assert.equal(changed.idpInitiatedEnabled, false);
      assert.equal(changed.autoAssignSeats, true);
      assert.deepEqual(changed.autoSeatProducts, ['chat', 'code']);
      assert.equal(changed.version, created.version + 1);
      assert.deepEqual(await get(org), changed);

      const [event, ...more] = await events(org, 'sso.settings_changed');
      assert.equal(more.length, 0);
      assert.deepEqual(event!.data, {
        jitEnabled: { from: false, to: true },
        autoAssignSeats: { from: false, to: true },
        autoSeatProducts: { from: [], to: ['chat', 'code'] },
      });
    });

    it('records nothing and keeps the version when nothing changes', async () => {
      const org = await makeOrganization();
      await save(org);
      const changed = await configure(org, { enforced: true, autoSeatProducts: ['api'] });
      assert.deepEqual(await configure(org, { enforced: true, autoSeatProducts: ['api', 'api'] }), changed);
      assert.deepEqual(await configure(org, {}), changed);
      assert.equal((await events(org, 'sso.settings_changed')).length, 1);
    });

    it('refuses bad switches and products, and changes nothing', async () => {
      const org = await makeOrganization();
      await save(org);
      const refused: Array<[string, unknown]> = [
        ['invalid_value', { jitEnabled: 'true' }],
        ['invalid_value', { enforced: 1 }],
        ['invalid_value', { autoSeatProducts: 'chat' }],
        ['invalid_value', { autoSeatProducts: Array.from({ length: 21 }, (_, i) => `product${i}`) }],
        ['invalid_value', { idpEntityId: 'https://elsewhere.test' }],
        ['invalid_product', { autoSeatProducts: ['Chat'] }],
        ['invalid_product', { autoSeatProducts: ['chat', ''] }],
        ['invalid_product', { autoSeatProducts: [7] }],
      ];
      for (const [code, settings] of refused) {
        const error = await rejectionOf(configure(org, settings as Partial<SsoSettings>));
        assert.equal(error.code, code, JSON.stringify(settings));
      }
      assert.equal((await configure(org, { autoSeatProducts: Array.from({ length: 20 }, (_, i) => `product${i}`) })).autoSeatProducts.length, 20);
      assert.equal((await events(org, 'sso.settings_changed')).length, 1);
    });

    it('needs a connection', async () => {
      const org = await makeOrganization();
      const error = await rejectionOf(configure(org, { jitEnabled: true }));
      assert.equal(error.kind, 'not_found');
      assert.equal(error.code, 'sso_connection_not_found');
    });

    it('answers whether sign-in through the IdP is enforced', async () => {
      const org = await makeOrganization();
      assert.equal(await tx((t) => isSsoEnforcedFor(t, org.id)), false);
      await save(org);
      assert.equal(await tx((t) => isSsoEnforcedFor(t, org.id)), false);
      await configure(org, { enforced: true });
      assert.equal(await tx((t) => isSsoEnforcedFor(t, org.id)), false, 'not while the connection is switched off');
      await configure(org, { enabled: true });
      assert.equal(await tx((t) => isSsoEnforcedFor(t, org.id)), true);
      assert.equal(await tx((t) => isSsoEnforcedFor(t, 'not-a-uuid')), false);
    });
  });

  describe('versions (If-Match)', () => {
    it('refuses a change made against a stale version, accepts the current one', async () => {
      const org = await makeOrganization();
      const created = await save(org);
      const changed = await configure(org, { jitEnabled: true }, { ifVersion: created.version });
      assert.equal(changed.version, 2);

      for (const attempt of [
        () => configure(org, { enforced: true }, { ifVersion: 1 }),
        () => save(org, idpSettings(), { ifVersion: 1 }),
        () => tx((t) => deleteSsoConnection(t, system, org.id, { ifVersion: 1 })),
      ]) {
        const error = await rejectionOf(attempt());
        assert.equal(error.kind, 'conflict');
        assert.equal(error.code, 'version_mismatch');
        assert.deepEqual(error.details, { expected: [1], actual: 2 });
      }
      const current = await configure(org, { enforced: true }, { ifVersion: [1, 2] });
      assert.deepEqual([current.enforced, current.version], [true, 3]);
    });

    it('reads version 0 as "no connection yet"', async () => {
      const org = await makeOrganization();
      assert.equal((await save(org, idpSettings(), { ifVersion: 0 })).version, 1);
      assert.equal((await rejectionOf(save(org, idpSettings(), { ifVersion: 0 }))).code, 'version_mismatch');
    });
  });

  describe('sign-in outcomes', () => {
    it('stamps the last success and the last failure with its reason, without an event or a version bump', async () => {
      const org = await makeOrganization();
      const created = await save(org);
      assert.equal(await tx((t) => recordSsoOutcome(t, org.id, { ok: true })), true);
      const succeeded = await get(org);
      assert.ok(succeeded.lastSuccessAt);
      assert.equal(succeeded.lastFailureAt, null);

      await tx((t) => recordSsoOutcome(t, org.id, { ok: false, reason: `  wrong_recipient: ${'é'.repeat(600)} ` }));
      const failed = await get(org);
      assert.deepEqual(failed.lastSuccessAt, succeeded.lastSuccessAt, 'a failure keeps the last success');
      assert.ok(failed.lastFailureAt);
      assert.equal(failed.lastFailureReason!.length, 500);
      assert.match(failed.lastFailureReason!, /^wrong_recipient: é+$/);
      assert.equal(failed.version, created.version);
      assert.equal(failed.updatedAt.getTime(), created.updatedAt.getTime());

      await tx((t) => recordSsoOutcome(t, org.id, { ok: false, reason: '   ' }));
      assert.equal((await get(org)).lastFailureReason, 'unknown failure');
      assert.deepEqual(
        (await events(org)).map((event) => event.action),
        ['sso.connection_saved'],
      );
    });

    it('is one statement, and false without a connection', async () => {
      const org = await makeOrganization();
      await save(org);
      const statements: string[] = [];
      const count = (query: { sql: string }) => statements.push(query.sql);
      db().on('query', count);
      try {
        assert.equal(await inOneStatement(db(), (t) => recordSsoOutcome(t, org.id, { ok: false, reason: 'sha1_refused' })), true);
      } finally {
        db().removeListener('query', count);
      }
      assert.equal(statements.length, 1);
      assert.match(statements[0]!, /^update "sso_connections"/);

      const other = await makeOrganization();
      assert.equal(await tx((t) => recordSsoOutcome(t, other.id, { ok: true })), false);
      assert.equal(await tx((t) => recordSsoOutcome(t, 'not-a-uuid', { ok: true })), false);
    });
  });

  describe('tenancy and lifetime', () => {
    it('answers "not found" to another Organization and leaves the connection alone', async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      const connection = await save(org);
      await configure(org, { enforced: true });

      assert.equal(await tx((t) => findSsoConnection(t, other.id)), undefined);
      for (const attempt of [
        () => tx((t) => getSsoConnection(t, other.id)),
        () => configure(other, { enforced: false }),
        () => tx((t) => deleteSsoConnection(t, system, other.id)),
        () => tx((t) => getSsoConnection(t, 'not-a-uuid')),
      ]) {
        assert.equal((await rejectionOf(attempt())).code, 'sso_connection_not_found');
      }
      assert.equal(await tx((t) => isSsoEnforcedFor(t, other.id)), false);
      assert.equal(await tx((t) => recordSsoOutcome(t, other.id, { ok: false, reason: 'x' })), false);

      const untouched: SsoConnection = await get(org);
      assert.equal(untouched.id, connection.id);
      assert.equal(untouched.enforced, true);
      assert.equal(untouched.lastFailureAt, null);
      assert.equal((await events(other)).length, 0);
    });

    it('deletes the connection with one event', async () => {
      const org = await makeOrganization();
      const connection = await save(org);
      await tx((t) => deleteSsoConnection(t, org.adminActor, org.id));

      assert.equal(await tx((t) => findSsoConnection(t, org.id)), undefined);
      assert.equal((await rejectionOf(get(org))).code, 'sso_connection_not_found');
      assert.equal((await rejectionOf(tx((t) => deleteSsoConnection(t, system, org.id)))).code, 'sso_connection_not_found');
      const [event, ...more] = await events(org, 'sso.connection_deleted');
      assert.equal(more.length, 0);
      assert.equal(event!.targetId, connection.id);
      assert.deepEqual(event!.data, { idpEntityId: connection.idpEntityId, ssoUrl: connection.ssoUrl });
      assert.equal((await save(org)).version, 1, 'a new connection starts afresh');
    });

    it('goes with its Organization', async () => {
      const org = await makeOrganization();
      await save(org);
      await tx((t) => deleteOrganization(t, system, org.id));
      assert.equal(await countRows('sso_connections', { organization_id: org.id }), 0);
    });
  });
});
