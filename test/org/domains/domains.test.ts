import assert from 'node:assert/strict';
import { createTxtLookup, type TxtLookup } from '../../../src/dns/txt-resolver.js';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import {
  checkDomainTxt,
  claimDomain,
  deleteDomain,
  findVerifiedDomain,
  getDomain,
  isVerifiedDomainOf,
  listDomains,
  recordDomainCheck,
  setDomainAutoJoin,
  verifyDomain,
} from '../../../src/org/domains/domains.service.js';
import { deleteOrganization } from '../../../src/org/organizations/organizations.service.js';
import type { Domain } from '../../../src/org/domains/types.js';
import { db, testDatabase } from '../../support/database.js';
import { startDnsServer, type TestDnsServer } from '../../support/dns-server.js';
import { countRows, makeOrganization, rejectionOf, system, tx, unique, type TestOrganization } from '../../support/factories.js';

describe('domains', () => {
  let dns: TestDnsServer;
  let lookup: TxtLookup;
  before(async () => {
    dns = await startDnsServer();
    lookup = createTxtLookup(dns.servers, 500);
  });
  after(() => dns.close());

  const newDomainName = () => `${unique('acme')}.test`;
  const claim = (org: TestOrganization, name: string) => tx((t) => claimDomain(t, system, org.id, name));
  const verify = (org: TestOrganization, domain: Domain) => tx((t) => verifyDomain(t, system, org.id, domain.id, lookup));
  const events = (org: TestOrganization, action: string) => tx((t) => listAuditEvents(t, { organizationId: org.id, action }));

  /** A verified claim of a fresh domain. */
  async function verifiedDomain(org: TestOrganization, name = newDomainName()): Promise<Domain> {
    const domain = await claim(org, name);
    dns.setTxt(domain.domain, [domain.txtRecord]);
    return verify(org, domain);
  }

  describe('claiming', () => {
    it('stores the domain lower-case, without its trailing dot, IDNs as punycode, with the TXT record to publish', async () => {
      const org = await makeOrganization();
      const domain = await claim(org, '  Acme.Test. ');
      assert.equal(domain.domain, 'acme.test');
      assert.equal(domain.status, 'pending');
      assert.equal(domain.autoJoin, false);
      assert.equal(domain.verifiedAt, null);
      assert.match(domain.verificationToken, /^[A-Za-z0-9_-]{22,}$/);
      assert.equal(domain.txtRecord, `roster-verification=${domain.verificationToken}`);
      assert.equal((await claim(org, 'Bücher.Test')).domain, 'xn--bcher-kva.test');

      const claimed = await events(org, 'domain.claimed');
      assert.deepEqual(claimed.map((event) => event.data.domain).sort(), ['acme.test', 'xn--bcher-kva.test']);
      assert.notEqual((await claim(await makeOrganization(), 'acme.test')).verificationToken, domain.verificationToken);
    });

    it('refuses names that are not hostnames, with a code', async () => {
      const org = await makeOrganization();
      const bad = [
        '',
        '   ',
        'localhost',
        'acme.',
        '-acme.test',
        'acme-.test',
        'ac_me.test',
        'acme..test',
        '.acme.test',
        'acme.test..',
        '*.acme.test',
        'acme test.com',
        'acme%2etest',
        'ada@acme.test',
        'https://acme.test',
        'acme.test/path',
        'acme.test:443',
        '1.2.3.4',
        'acme.123',
        '[::1]',
        `${'a'.repeat(64)}.test`,
        `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.test`,
        42 as unknown as string,
      ];
      for (const name of bad) {
        const error = await rejectionOf(claim(org, name));
        assert.equal(error.kind, 'invalid', JSON.stringify(name));
        assert.equal(error.code, 'invalid_domain', JSON.stringify(name));
      }
      assert.equal((await claim(org, `${'a'.repeat(63)}.test`)).domain, `${'a'.repeat(63)}.test`);
      assert.equal(await countRows('domains', { organization_id: org.id }), 1);
    });

    it('refuses consumer mail domains and names under them', async () => {
      const org = await makeOrganization();
      // From the maintained list (free and disposable providers), and the few it lacks.
      for (const name of [
        'gmail.com',
        'GMail.com.',
        'outlook.com',
        'yahoo.co.uk',
        'uk.yahoo.com',
        'proton.me',
        'qq.com',
        'gmx.de',
        'mail.ru',
        'mailinator.com',
        'fastmail.com',
        'hey.com',
        'tuta.io',
      ]) {
        const error = await rejectionOf(claim(org, name));
        assert.equal(error.kind, 'invalid', name);
        assert.equal(error.code, 'consumer_domain', name);
      }
      assert.equal(await countRows('domains', { organization_id: org.id }), 0);
    });

    it('refuses public suffixes, of the ICANN and the private section of the Public Suffix List, with a code', async () => {
      const org = await makeOrganization();
      // 公司.cn: an IDN suffix; foo.ck: under the wildcard rule *.ck.
      for (const name of ['co.uk', 'CO.UK.', 'com.au', 'github.io', 'herokuapp.com', 'blogspot.com', 's3.amazonaws.com', '公司.cn', 'foo.ck', 'com']) {
        const error = await rejectionOf(claim(org, name));
        assert.equal(error.kind, 'invalid', name);
        assert.equal(error.code, name === 'com' ? 'invalid_domain' : 'public_suffix', name);
      }
      assert.equal(await countRows('domains', { organization_id: org.id }), 0);
    });

    it("accepts a registrable domain under a public suffix, and names below it; .test names under the list's default rule", async () => {
      const org = await makeOrganization();
      const suffix = unique('x').slice(2);
      const names = [
        `acme${suffix}.co.uk`,
        `eng.acme${suffix}.co.uk`,
        `acme${suffix}.com.au`,
        `acme${suffix}.github.io`,
        `app${suffix}.herokuapp.com`,
        `acme${suffix}.xn--55qx5d.cn`,
        `acme${suffix}.test`,
      ];
      for (const name of names) assert.equal((await claim(org, name)).domain, name);
      assert.equal(await countRows('domains', { organization_id: org.id }), names.length);
    });

    it('refuses a second claim of a domain in one Organization, not in another', async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      await claim(org, 'acme.test');
      const error = await rejectionOf(claim(org, 'ACME.test.'));
      assert.equal(error.kind, 'conflict');
      assert.equal(error.code, 'domain_already_claimed');
      await claim(other, 'acme.test');
      assert.equal((await events(org, 'domain.claimed')).length, 1);
    });
  });

  describe('verifying', () => {
    it('verifies a claim when the TXT record is published among others, and leaves a verified claim as it is', async () => {
      const org = await makeOrganization();
      const domain = await claim(org, newDomainName());
      dns.setTxt(domain.domain, ['v=spf1 -all', domain.txtRecord, 'roster-verification=someone-else']);
      const verified = await verify(org, domain);
      assert.equal(verified.status, 'verified');
      assert.ok(verified.verifiedAt);
      assert.equal(verified.lastError, null);
      const [event] = await events(org, 'domain.verified');
      assert.equal(event!.targetId, domain.id);

      const queries = dns.queryCount();
      assert.deepEqual(await verify(org, domain), verified);
      assert.equal(dns.queryCount(), queries);
      assert.equal((await events(org, 'domain.verified')).length, 1);
    });

    it('joins a record split into several character-strings', async () => {
      const org = await makeOrganization();
      const domain = await claim(org, newDomainName());
      const token = domain.verificationToken;
      dns.setTxt(domain.domain, [['roster-verification=', token.slice(0, 10), token.slice(10)]]);
      assert.equal((await verify(org, domain)).status, 'verified');
    });

    it('stays pending with the reason when the record is missing or wrong, the name does not exist, or DNS does not answer', async () => {
      const org = await makeOrganization();
      const domain = await claim(org, newDomainName());
      const expectations: Array<[() => void, string | RegExp]> = [
        [() => dns.setTxt(domain.domain, ['v=spf1 -all']), `no TXT record ${domain.txtRecord} found on ${domain.domain}`],
        [() => dns.setTxt(domain.domain, [`${domain.txtRecord}x`]), `no TXT record ${domain.txtRecord} found on ${domain.domain}`],
        [() => dns.setTxt(domain.domain, []), `${domain.domain} has no TXT records`],
        [() => dns.remove(domain.domain), `${domain.domain} does not exist (NXDOMAIN)`],
        [() => dns.drop(domain.domain), /^DNS lookup failed: timeout/],
      ];
      for (const [arrange, reason] of expectations) {
        arrange();
        const checked = await verify(org, domain);
        assert.equal(checked.status, 'pending');
        assert.ok(checked.lastCheckedAt);
        if (typeof reason === 'string') assert.equal(checked.lastError, reason);
        else assert.match(checked.lastError ?? '', reason);
      }
      const failures = await events(org, 'domain.verification_failed');
      assert.equal(failures.length, expectations.length);
      assert.equal(failures.at(-1)!.data.reason, (await tx((t) => getDomain(t, org.id, domain.id))).lastError);

      dns.setTxt(domain.domain, [domain.txtRecord]);
      const verified = await verify(org, domain);
      assert.equal(verified.status, 'verified');
      assert.equal(verified.lastError, null);
    });

    it('can be split around the lookup, so no transaction is open while DNS answers', async () => {
      const org = await makeOrganization();
      const domain = await claim(org, newDomainName());
      dns.setTxt(domain.domain, [domain.txtRecord]);
      const check = await checkDomainTxt(await tx((t) => getDomain(t, org.id, domain.id)), lookup);
      assert.equal(check.verified, true);
      assert.equal((await tx((t) => recordDomainCheck(t, system, org.id, domain.id, check))).status, 'verified');
      const other = await claim(org, newDomainName());
      assert.equal((await rejectionOf(tx((t) => recordDomainCheck(t, system, org.id, other.id, check)))).code, 'domain_check_mismatch');
    });
  });

  describe('one Organization per verified domain', () => {
    it('lets another Organization claim a verified domain but never verify it', async () => {
      const [holder, other] = [await makeOrganization(), await makeOrganization()];
      const held = await verifiedDomain(holder);
      const claimed = await claim(other, held.domain);
      dns.setTxt(held.domain, [held.txtRecord, claimed.txtRecord]);
      const error = await rejectionOf(verify(other, claimed));
      assert.equal(error.kind, 'conflict');
      assert.equal(error.code, 'domain_verified_elsewhere');
      assert.equal((await tx((t) => getDomain(t, other.id, claimed.id))).status, 'pending');

      // Once the holder lets go, the other Organization can prove it.
      await tx((t) => deleteDomain(t, system, holder.id, held.id));
      assert.equal((await verify(other, claimed)).status, 'verified');
    });

    it('verifies exactly one of two Organizations verifying the same domain at once', async () => {
      for (let round = 0; round < 5; round++) {
        const [first, second] = [await makeOrganization(), await makeOrganization()];
        const name = newDomainName();
        const claims = [await claim(first, name), await claim(second, name)];
        dns.setTxt(
          name,
          claims.map((domain) => domain.txtRecord),
        );
        const results = await Promise.allSettled([verify(first, claims[0]!), verify(second, claims[1]!)]);
        const verified = results.filter((result) => result.status === 'fulfilled');
        const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
        assert.equal(verified.length, 1);
        assert.equal(refused.length, 1);
        assert.equal((refused[0]!.reason as { code?: string }).code, 'domain_verified_elsewhere');
        assert.equal(await countRows('domains', { domain: name, status: 'verified' }), 1);
      }
    });

    it('refuses the later of two interleaved verifications through the unique index', async function () {
      // Two transactions open at once need two connections: PostgreSQL only (the embedded database has one).
      if (!testDatabase().url) this.skip();
      const [first, second] = [await makeOrganization(), await makeOrganization()];
      const name = newDomainName();
      const claims = [await claim(first, name), await claim(second, name)];
      dns.setTxt(
        name,
        claims.map((domain) => domain.txtRecord),
      );
      const checks = await Promise.all(claims.map((domain) => checkDomainTxt(domain, lookup)));

      const open = await db().transaction();
      let later: ReturnType<typeof rejectionOf>;
      try {
        await recordDomainCheck(open, system, first.id, claims[0]!.id, checks[0]!);
        // The second one finds no verified claim yet, so only the index can stop it: it waits for the first to commit.
        later = rejectionOf(tx((t) => recordDomainCheck(t, system, second.id, claims[1]!.id, checks[1]!)));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await open.commit();
      } finally {
        if (!open.isCompleted()) await open.rollback();
      }
      const error = await later;
      assert.equal(error.code, 'domain_verified_elsewhere');
      assert.equal(await countRows('domains', { domain: name, status: 'verified' }), 1);
    });

    it('holds in the database even for SQL that skips the services', async () => {
      const [first, second] = [await makeOrganization(), await makeOrganization()];
      const name = newDomainName();
      const claims = [await claim(first, name), await claim(second, name)];
      const error = await rejectionOf(
        tx((t) =>
          t('domains')
            .whereIn(
              'id',
              claims.map((domain) => domain.id),
            )
            .update({ status: 'verified' }),
        ),
      );
      assert.equal(error.code, 'domain_verified_elsewhere');
      assert.equal((await rejectionOf(tx((t) => t('domains').where({ id: claims[0]!.id }).update({ status: 'done' })))).kind, 'conflict');
    });
  });

  describe('managing', () => {
    it('turns auto-join on only for a verified domain, one event per change', async () => {
      const org = await makeOrganization();
      const pending = await claim(org, newDomainName());
      const error = await rejectionOf(tx((t) => setDomainAutoJoin(t, system, org.id, pending.id, true)));
      assert.equal(error.kind, 'conflict');
      assert.equal(error.code, 'domain_not_verified');

      const verified = await verifiedDomain(org);
      assert.equal((await tx((t) => setDomainAutoJoin(t, system, org.id, verified.id, true))).autoJoin, true);
      await tx((t) => setDomainAutoJoin(t, system, org.id, verified.id, true));
      assert.equal((await tx((t) => setDomainAutoJoin(t, system, org.id, verified.id, false))).autoJoin, false);
      assert.deepEqual(
        (await events(org, 'domain.auto_join_changed')).map((event) => event.data.autoJoin),
        [true, false],
      );
    });

    it('lists and deletes claims', async () => {
      const org = await makeOrganization();
      const [beta, alpha] = [await claim(org, 'beta.test'), await claim(org, 'alpha.test')];
      assert.deepEqual(
        (await tx((t) => listDomains(t, org.id))).map((domain) => domain.domain),
        ['alpha.test', 'beta.test'],
      );
      await tx((t) => deleteDomain(t, org.adminActor, org.id, beta.id));
      assert.deepEqual(
        (await tx((t) => listDomains(t, org.id))).map((domain) => domain.id),
        [alpha.id],
      );
      assert.equal((await rejectionOf(tx((t) => deleteDomain(t, system, org.id, beta.id)))).code, 'domain_not_found');
      const [event] = await events(org, 'domain.deleted');
      assert.deepEqual(event!.data, { domain: 'beta.test', status: 'pending' });
    });

    it('answers "not found" for another Organization\'s domain ids', async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      const domain = await claim(org, newDomainName());
      dns.setTxt(domain.domain, [domain.txtRecord]);
      const attempts = [
        () => tx((t) => getDomain(t, other.id, domain.id)),
        () => tx((t) => verifyDomain(t, system, other.id, domain.id, lookup)),
        () => tx((t) => setDomainAutoJoin(t, system, other.id, domain.id, false)),
        () => tx((t) => deleteDomain(t, system, other.id, domain.id)),
        () => tx((t) => getDomain(t, org.id, 'not-a-uuid')),
      ];
      for (const attempt of attempts) assert.equal((await rejectionOf(attempt())).code, 'domain_not_found');
      assert.deepEqual(await tx((t) => listDomains(t, other.id)), []);
      assert.equal((await tx((t) => getDomain(t, org.id, domain.id))).status, 'pending');
    });

    it('goes with its Organization', async () => {
      const org = await makeOrganization();
      const domain = await verifiedDomain(org);
      await tx((t) => deleteOrganization(t, system, org.id));
      assert.equal(await countRows('domains', { organization_id: org.id }), 0);
      assert.equal(await tx((t) => findVerifiedDomain(t, domain.domain)), undefined);
    });
  });

  describe('matching email addresses', () => {
    it('matches an address only on exactly the verified domain, whatever junk surrounds it', async () => {
      const [org, other] = [await makeOrganization(), await makeOrganization()];
      const domain = await verifiedDomain(org);
      const name = domain.domain;
      await claim(other, 'pending-only.test');

      const matching = [`User@${name.toUpperCase()}`, `a@b@${name}`, `"a@b"@${name}`, `  ada@${name} `, name, `${name}.`];
      for (const input of matching) {
        const found = await tx((t) => findVerifiedDomain(t, input));
        assert.equal(found?.id, domain.id, input);
        assert.equal(found!.organizationId, org.id);
        assert.equal(found!.autoJoin, false);
      }
      const notMatching = [
        `x@${name}.evil.test`,
        'x@evil.test',
        `x@${name}<!---->.evil.test`,
        `x@${name}.`,
        `x@sub.${name}`,
        `@${name}`,
        `x@${name}%00`,
        `x@${name.replace('.', '%2e')}`,
        'x@pending-only.test',
        'x@',
        '',
        'no-at-sign',
      ];
      for (const input of notMatching) assert.equal(await tx((t) => findVerifiedDomain(t, input)), undefined, input);

      assert.equal(await tx((t) => isVerifiedDomainOf(t, org.id, `User@${name.toUpperCase()}`)), true);
      assert.equal(await tx((t) => isVerifiedDomainOf(t, org.id, `a@b@${name}`)), true);
      assert.equal(await tx((t) => isVerifiedDomainOf(t, other.id, `User@${name}`)), false);
      for (const input of [...notMatching, name]) assert.equal(await tx((t) => isVerifiedDomainOf(t, org.id, input)), false, input);
      assert.equal(await tx((t) => isVerifiedDomainOf(t, 'not-a-uuid', `x@${name}`)), false);
    });

    it('matches nothing on a public suffix or a consumer domain verified before the rules refused it, and verifies no such claim', async () => {
      const org = await makeOrganization();
      const legacy = async (domain: string, status: 'verified' | 'pending') => {
        const id = crypto.randomUUID();
        await db()('domains').insert({
          id,
          organization_id: org.id,
          domain,
          verification_token: unique('t'),
          status,
          verified_at: status === 'verified' ? new Date() : null,
          auto_join: status === 'verified',
        });
        return id;
      };
      await legacy('github.io', 'verified');
      await legacy('hey.com', 'verified');
      for (const email of ['ada@github.io', 'ada@hey.com']) {
        assert.equal(await tx((t) => findVerifiedDomain(t, email)), undefined, email);
        assert.equal(await tx((t) => isVerifiedDomainOf(t, org.id, email)), false, email);
      }
      const pending = await legacy('com.au', 'pending');
      dns.setTxt('com.au', [(await tx((t) => getDomain(t, org.id, pending))).txtRecord]);
      const error = await rejectionOf(tx((t) => verifyDomain(t, system, org.id, pending, lookup)));
      assert.equal(error.code, 'public_suffix');
      const check = await checkDomainTxt(await tx((t) => getDomain(t, org.id, pending)), lookup);
      assert.equal(check.verified, true, 'the record is there: the refusal is about the name');
      assert.equal((await rejectionOf(tx((t) => recordDomainCheck(t, system, org.id, pending, check)))).code, 'public_suffix');
      assert.equal((await tx((t) => getDomain(t, org.id, pending))).status, 'pending');
    });

    it('matches an address with an internationalised domain to its punycode claim', async () => {
      const org = await makeOrganization();
      const suffix = unique('b').slice(2);
      const domain = await verifiedDomain(org, `bücher-${suffix}.test`);
      assert.match(domain.domain, /^xn--/);
      assert.equal(await tx((t) => isVerifiedDomainOf(t, org.id, `ada@Bücher-${suffix}.test`)), true);
    });
  });
});
