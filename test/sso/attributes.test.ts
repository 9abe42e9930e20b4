import assert from 'node:assert/strict';
import { defaultAttributeMapping, profileFromClaims } from '../../src/sso/saml/attributes.js';

const emailFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const persistentFormat = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const unspecifiedFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';

describe('SAML attribute mapping', () => {
  describe('what IdPs send', () => {
    it('reads an Okta assertion: plain attribute names, groups as several values', () => {
      const profile = profileFromClaims(
        'ada@acme.test',
        emailFormat,
        {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@acme.test',
          groups: ['Engineering', 'Everyone'],
        },
        {},
      );
      assert.deepEqual(profile, { email: 'ada@acme.test', givenName: 'Ada', familyName: 'Lovelace', groups: ['Engineering', 'Everyone'] });
    });

    it('reads a Microsoft Entra ID assertion: claim URIs, the UPN under "name" not taken for a display name', () => {
      const profile = profileFromClaims(
        'k3Jd9-persistent-id',
        persistentFormat,
        {
          'http://schemas.microsoft.com/identity/claims/tenantid': '9188040d-6c67-4c5b-b112-36a304b66dad',
          'http://schemas.microsoft.com/identity/claims/objectidentifier': '5a4f8d2e-0000-4000-8000-000000000001',
          'http://schemas.microsoft.com/identity/claims/displayname': 'Grace Hopper',
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname': 'Grace',
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname': 'Hopper',
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': 'grace@contoso.test',
          'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'grace.hopper@contoso.onmicrosoft.test',
          'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups': ['3f1c2a9e-1111-4111-8111-111111111111', '7b2d4c6e-2222-4222-8222-222222222222'],
          'http://schemas.microsoft.com/claims/authnmethodsreferences': ['http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password'],
        },
        {},
      );
      assert.deepEqual(profile, {
        email: 'grace@contoso.test',
        givenName: 'Grace',
        familyName: 'Hopper',
        displayName: 'Grace Hopper',
        groups: ['3f1c2a9e-1111-4111-8111-111111111111', '7b2d4c6e-2222-4222-8222-222222222222'],
      });
      const upnOnly = { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': 'grace.hopper@contoso.onmicrosoft.test' };
      assert.equal(profileFromClaims('k3Jd9-persistent-id', persistentFormat, upnOnly, {}).displayName, undefined);
    });

    it('reads a Google Workspace assertion: the NameID is the email, other attributes as the admin named them', () => {
      assert.deepEqual(profileFromClaims('alan@acme.test', emailFormat, {}, {}), { email: 'alan@acme.test', groups: [] });
      const mapped = profileFromClaims(
        'alan@acme.test',
        emailFormat,
        { first_name: 'Alan', last_name: 'Turing', department: ['Research'] },
        { groups: ['department'] },
      );
      assert.deepEqual(mapped, { email: 'alan@acme.test', givenName: 'Alan', familyName: 'Turing', groups: ['Research'] });
    });

    it('reads LDAP-style OIDs and a value with XML attributes as node-saml hands it over', () => {
      const profile = profileFromClaims(
        'u123',
        unspecifiedFormat,
        {
          'urn:oid:0.9.2342.19200300.100.1.3': { _: ' edsger@uni.test ', $: { 'xsi:type': 'xs:string' } },
          'urn:oid:2.5.4.42': 'Edsger',
          'urn:oid:2.5.4.4': 'Dijkstra',
          'urn:oid:1.3.6.1.4.1.5923.1.5.1.1': ['cn=staff,ou=groups,dc=uni,dc=test'],
        },
        {},
      );
      assert.deepEqual(profile, { email: 'edsger@uni.test', givenName: 'Edsger', familyName: 'Dijkstra', groups: ['cn=staff,ou=groups,dc=uni,dc=test'] });
    });
  });

  describe("the Organization's mapping", () => {
    it('wins over the defaults', () => {
      const attributes = {
        email: 'personal@home.test',
        workEmail: 'ada@acme.test',
        firstName: 'Ada',
        preferredName: 'Countess',
        groups: ['a'],
        roles: ['admins'],
      };
      const profile = profileFromClaims('x', emailFormat, attributes, { email: ['workEmail'], givenName: ['preferredName'], groups: ['roles'] });
      assert.equal(profile.email, 'ada@acme.test');
      assert.equal(profile.givenName, 'Countess');
      assert.deepEqual(profile.groups, ['admins']);
    });

    it('tries its names in order, then falls back to the defaults when none has a value', () => {
      const profile = profileFromClaims(
        'x',
        undefined,
        { mail: 'ada@acme.test', secondary: 'second@acme.test', primary: ['', '  '] },
        {
          email: ['missing', 'primary', 'secondary'],
          familyName: ['alsoMissing'],
        },
      );
      assert.equal(profile.email, 'second@acme.test');
      assert.equal(profileFromClaims('x', undefined, { mail: 'ada@acme.test' }, { email: ['missing'] }).email, 'ada@acme.test');
    });

    it('does not change the defaults', () => {
      profileFromClaims('x', undefined, {}, { email: ['workEmail'] });
      assert.ok(!defaultAttributeMapping.email.includes('workEmail'));
      assert.ok(Object.isFrozen(defaultAttributeMapping) && Object.isFrozen(defaultAttributeMapping.email));
    });
  });

  describe('values', () => {
    it('takes the first non-empty string of a multi-valued attribute for a single-valued field', () => {
      const profile = profileFromClaims('x', undefined, { email: ['', '  ', 42, 'ada@acme.test', 'other@acme.test'], displayName: [' ', 'Ada L.'] }, {});
      assert.equal(profile.email, 'ada@acme.test');
      assert.equal(profile.displayName, 'Ada L.');
    });

    it('trims, de-duplicates and drops empty groups, and leaves out names too long to be right', () => {
      const long = 'g'.repeat(513);
      const profile = profileFromClaims('x', undefined, { groups: [' Engineering ', 'Engineering', '', long, 'Ops'] }, {});
      assert.deepEqual(profile.groups, ['Engineering', 'Ops']);
      assert.equal(profileFromClaims('x', undefined, { groups: Array.from({ length: 1500 }, (_, i) => `g${i}`) }, {}).groups.length, 1000);
      assert.deepEqual(profileFromClaims('x', undefined, { groups: 'Solo' }, {}).groups, ['Solo'], 'one value comes as a string');
    });

    it('cuts names to 256 characters without splitting a character', () => {
      const profile = profileFromClaims('x', undefined, { givenName: `${'a'.repeat(255)}😀tail`, sn: '  Lovelace  ' }, {});
      assert.equal(Array.from(profile.givenName!).length, 256);
      assert.ok(profile.givenName!.endsWith('😀'));
      assert.equal(profile.familyName, 'Lovelace');
    });

    it('takes no email that is not one: no "@", whitespace inside, or longer than 320 characters', () => {
      for (const email of ['ada', 'ada @acme.test', 'ada@acme.test\u0000x', `${'a'.repeat(320)}@acme.test`, 'a@b@acme.test']) {
        assert.equal(profileFromClaims('x', undefined, { email }, {}).email, undefined, JSON.stringify(email));
      }
      assert.equal(profileFromClaims('x', undefined, { email: 'not-an-email', mail: 'ada@acme.test' }, {}).email, 'ada@acme.test');
    });
  });

  describe('names', () => {
    it('match exactly first, then in any letter case', () => {
      assert.equal(profileFromClaims('x', undefined, { EMAIL: 'upper@acme.test' }, {}).email, 'upper@acme.test');
      assert.equal(profileFromClaims('x', undefined, { Email: 'title@acme.test', email: 'exact@acme.test' }, {}).email, 'exact@acme.test');
      assert.equal(profileFromClaims('x', undefined, { 'HTTP://SCHEMAS.XMLSOAP.ORG/WS/2005/05/IDENTITY/CLAIMS/GIVENNAME': 'Grace' }, {}).givenName, 'Grace');
      assert.equal(profileFromClaims('x', undefined, { EmailAddress: 'adfs@acme.test' }, {}).email, 'adfs@acme.test');
      assert.equal(profileFromClaims('x', undefined, { WORKEMAIL: 'work@acme.test' }, { email: ['workEmail'] }).email, 'work@acme.test');
    });

    it('ignore inherited properties', () => {
      const attributes = Object.create({ email: 'inherited@acme.test' }) as Record<string, unknown>;
      assert.equal(profileFromClaims('x', undefined, attributes, {}).email, undefined);
      assert.equal(profileFromClaims('x', undefined, { constructor: 'x', toString: 'y' }, {}).email, undefined);
    });
  });

  describe('the NameID', () => {
    it('is the email only when no attribute gives one and its format is emailAddress', () => {
      assert.equal(profileFromClaims(' ada@acme.test ', emailFormat, {}, {}).email, 'ada@acme.test');
      assert.equal(profileFromClaims('ada@acme.test', 'urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress', {}, {}).email, 'ada@acme.test');
      assert.equal(profileFromClaims('ada@acme.test', emailFormat, { email: 'claimed@acme.test' }, {}).email, 'claimed@acme.test');
      assert.equal(profileFromClaims('ada@acme.test', persistentFormat, {}, {}).email, undefined);
      assert.equal(profileFromClaims('ada@acme.test', unspecifiedFormat, {}, {}).email, undefined);
      assert.equal(profileFromClaims('ada@acme.test', undefined, {}, {}).email, undefined);
      assert.equal(profileFromClaims('not an email', emailFormat, {}, {}).email, undefined);
    });
  });
});
