import assert from 'node:assert/strict';
import { unique } from '../support/factories.js';
import { newUser, scimClient, type ScimClient } from '../support/scim.js';

const q = (expression: string) => `filter=${encodeURIComponent(expression)}`;

/** An Organization with five SCIM users of known attributes (plus its first Admin). */
async function directory(): Promise<{ idp: ScimClient; users: Array<Record<string, any>> }> {
  const idp = await scimClient();
  const specs = [
    {
      name: 'alice',
      title: 'Engineer',
      externalId: 'ext-A',
      emails: [
        { value: 'alice@corp.test', type: 'work', primary: true },
        { value: 'alice@home.test', type: 'home' },
      ],
    },
    { name: 'bob', title: 'Engineer', externalId: 'ext-b', emails: [{ value: 'bob@corp.test', type: 'work' }] },
    { name: 'carol', title: 'Designer', externalId: 'ext-C', emails: [{ value: 'carol@partner.test', type: 'work' }] },
    { name: 'dave', externalId: 'ext-D', active: false, emails: [{ value: 'dave@corp.test', type: 'work' }] },
    { name: 'erin', title: 'Manager', externalId: 'ext-E', emails: [] },
  ];
  const users = [];
  for (const spec of specs) {
    const { name, ...extra } = spec;
    users.push((await idp.post('/Users', newUser(`${name}.${unique('x')}@corp.test`, { ...extra, displayName: name })).expect(201)).body);
  }
  return { idp, users };
}

const names = (body: { Resources: Array<{ displayName?: string }> }) => body.Resources.map((resource) => resource.displayName ?? '(admin)');

describe('SCIM lists', () => {
  describe('filters', () => {
    it('supports every operator, and/or/not with nested parentheses, and complex attribute filters', async () => {
      const { idp } = await directory();
      const cases: Array<[string, string[]]> = [
        ['title eq "engineer"', ['alice', 'bob']],
        ['title ne "Engineer"', ['(admin)', 'carol', 'dave', 'erin']],
        ['displayName co "r"', ['carol', 'erin']],
        ['displayName sw "A"', ['alice']],
        ['displayName ew "e"', ['alice', 'dave']],
        ['displayName gt "carol"', ['dave', 'erin']],
        ['displayName le "bob"', ['alice', 'bob']],
        ['title pr', ['alice', 'bob', 'carol', 'erin']],
        ['not (title pr)', ['(admin)', 'dave']],
        ['active eq false', ['dave']],
        ['title eq "Engineer" and not (displayName eq "bob")', ['alice']],
        ['(title eq "Designer" or title eq "Manager") and active eq true', ['carol', 'erin']],
        ['not (title eq "Engineer" or title eq "Designer")', ['(admin)', 'dave', 'erin']],
        ['emails[type eq "work" and value co "@corp"]', ['alice', 'bob', 'dave']],
        ['emails[type eq "home"] or displayName eq "erin"', ['alice', 'erin']],
        ['emails.value ew "partner.test"', ['carol']],
        ['not (emails pr)', ['erin']],
        ['externalId eq "ext-a"', []],
        ['externalId eq "ext-A"', ['alice']],
        ['urn:ietf:params:scim:schemas:core:2.0:User:displayName eq "bob"', ['bob']],
      ];
      for (const [expression, expected] of cases) {
        const response = await idp.get(`/Users?${q(expression)}&excludedAttributes=groups`).expect(200);
        assert.deepEqual(names(response.body), expected, expression);
        assert.equal(response.body.totalResults, expected.length, expression);
      }
    });

    it('compares meta.created and meta.lastModified as times', async () => {
      const { idp, users } = await directory();
      const since = users[2]!.meta.created;
      const newer = await idp.get(`/Users?${q(`meta.created ge "${since}"`)}`).expect(200);
      assert.deepEqual(names(newer.body), ['carol', 'dave', 'erin']);
      const none = await idp.get(`/Users?${q(`meta.lastModified gt "${new Date(Date.now() + 60_000).toISOString()}"`)}`).expect(200);
      assert.equal(none.body.totalResults, 0);
      const bad = await idp.get(`/Users?${q('meta.created gt "yesterday"')}`).expect(400);
      assert.equal(bad.body.scimType, 'invalidFilter');
    });

    it('answers invalidFilter for bad syntax, unknown attributes and meaningless comparisons', async () => {
      const { idp } = await directory();
      for (const expression of [
        'userName eq',
        'nosuch eq "x"',
        'name.nosuch eq "x"',
        'active gt true',
        'emails[nosuch eq "x"]',
        'userName[value eq "x"]',
        'urn:x:y eq 1',
      ]) {
        const response = await idp.get(`/Users?${q(expression)}`).expect(400);
        assert.equal(response.body.scimType, 'invalidFilter', expression);
      }
      await idp.get(`/Groups?${q('userName eq "x"')}`).expect(400);
    });
  });

  describe('paging', () => {
    it('pages by startIndex and count in a stable order without duplicates or gaps, with accurate totals', async () => {
      const { idp } = await directory();
      const all = (await idp.get('/Users').expect(200)).body;
      assert.equal(all.totalResults, 6);
      const seen: string[] = [];
      for (let start = 1; start <= 6; start += 2) {
        const page = (await idp.get(`/Users?startIndex=${start}&count=2`).expect(200)).body;
        assert.deepEqual([page.startIndex, page.itemsPerPage, page.totalResults], [start, 2, 6]);
        seen.push(...page.Resources.map((resource: { id: string }) => resource.id));
      }
      assert.deepEqual(
        seen,
        all.Resources.map((resource: { id: string }) => resource.id),
      );
      const past = (await idp.get('/Users?startIndex=50&count=10').expect(200)).body;
      assert.deepEqual([past.totalResults, past.itemsPerPage, past.Resources.length], [6, 0, 0]);
      const zero = (await idp.get('/Users?count=0').expect(200)).body;
      assert.deepEqual([zero.totalResults, zero.Resources.length], [6, 0]);
      const below = (await idp.get('/Users?startIndex=-3&count=1').expect(200)).body;
      assert.equal(below.startIndex, 1);
      await idp.get('/Users?count=ten').expect(400);
    });

    it('caps count at the advertised maximum and says so in itemsPerPage', async () => {
      const { idp } = await directory();
      const config = (await idp.get('/ServiceProviderConfig').expect(200)).body;
      assert.equal(config.filter.maxResults, 1000);
      const page = (await idp.get('/Users?count=5000').expect(200)).body;
      assert.equal(page.itemsPerPage, 6);
    });

    it('pages by cursor (RFC 9865) until no nextCursor is given, and refuses forged cursors', async () => {
      const { idp } = await directory();
      const ids: string[] = [];
      let cursor = '';
      for (;;) {
        const page = (await idp.get(`/Users?count=4&cursor=${encodeURIComponent(cursor)}`).expect(200)).body;
        assert.equal(page.totalResults, 6);
        ids.push(...page.Resources.map((resource: { id: string }) => resource.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      assert.equal(new Set(ids).size, 6);
      const forged = await idp.get('/Users?cursor=bm90LWEtY3Vyc29y').expect(400);
      assert.equal(forged.body.scimType, 'invalidCursor');
      await idp.get('/Users?cursor=&startIndex=1').expect(400);
    });

    it('sorts by an attribute in SQL, ascending or descending, ties broken by id', async () => {
      const { idp } = await directory();
      const ascending = (await idp.get(`/Users?sortBy=displayName&${q('displayName pr')}`).expect(200)).body;
      assert.deepEqual(names(ascending), ['alice', 'bob', 'carol', 'dave', 'erin']);
      const descending = (await idp.get(`/Users?sortBy=title&sortOrder=descending&${q('title pr')}`).expect(200)).body;
      assert.deepEqual(names(descending), ['erin', 'alice', 'bob', 'carol']);
      const byEmail = (await idp.get(`/Users?sortBy=emails.value&${q('emails pr')}`).expect(200)).body;
      assert.deepEqual(names(byEmail), ['(admin)', 'alice', 'bob', 'carol', 'dave']);
      await idp.get('/Users?sortBy=nosuch').expect(400);
      await idp.get('/Users?sortBy=title&sortOrder=sideways').expect(400);
    });
  });

  describe('attributes and excludedAttributes', () => {
    it('returns only the attributes asked for, plus id', async () => {
      const { idp, users } = await directory();
      const response = (await idp.get(`/Users/${users[0]!.id}?attributes=userName,name.givenName,emails.value`).expect(200)).body;
      assert.deepEqual(Object.keys(response).sort(), ['emails', 'id', 'name', 'schemas', 'userName']);
      assert.deepEqual(response.name, { givenName: 'Ada' });
      assert.deepEqual(response.emails, [{ value: users[0]!.emails[0].value }, { value: 'alice@home.test' }]);
      const roster = (await idp.get(`/Users/${users[0]!.id}?attributes=urn:ietf:params:scim:schemas:extension:roster:2.0:User:role`).expect(200)).body;
      assert.deepEqual(roster['urn:ietf:params:scim:schemas:extension:roster:2.0:User'], { role: 'member' });
    });

    it('leaves out excluded attributes but never id', async () => {
      const { idp, users } = await directory();
      const response = (await idp.get(`/Users/${users[0]!.id}?excludedAttributes=emails,name.familyName,id,meta`).expect(200)).body;
      assert.equal(response.emails, undefined);
      assert.equal(response.meta, undefined);
      assert.equal(response.id, users[0]!.id);
      assert.deepEqual(response.name, { givenName: 'Ada' });
    });
  });

  describe('POST /.search', () => {
    it('searches a resource type with the parameters in the body', async () => {
      const { idp } = await directory();
      const response = await idp
        .post('/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'title eq "Engineer"',
          sortBy: 'displayName',
          startIndex: 1,
          count: 1,
          attributes: ['displayName'],
        })
        .expect(200);
      assert.deepEqual([response.body.totalResults, names(response.body)], [2, ['alice']]);
      assert.deepEqual(Object.keys(response.body.Resources[0]).sort(), ['displayName', 'id', 'schemas']);
    });

    it('searches Users and Groups together at the root, paging across both', async () => {
      const { idp } = await directory();
      await idp.post('/Groups', { displayName: 'alpha' }).expect(201);
      await idp.post('/Groups', { displayName: 'beta' }).expect(201);
      const everything = (await idp.post('/.search', { count: 100 }).expect(200)).body;
      assert.equal(everything.totalResults, 8);
      const tail = (await idp.post('/.search', { startIndex: 6, count: 2 }).expect(200)).body;
      assert.deepEqual(
        tail.Resources.map((resource: { displayName: string }) => resource.displayName),
        ['erin', 'alpha'],
      );
      const groupsOnly = (await idp.post('/.search', { filter: 'displayName sw "al"' }).expect(200)).body;
      assert.deepEqual(
        groupsOnly.Resources.map((resource: { displayName: string }) => resource.displayName),
        ['alice', 'alpha'],
      );
    });
  });
});
