import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { unique } from '../support/factories.js';
import { fixture, newUser, patchOp, scimClient, type ScimClient } from '../support/scim.js';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const filter = (expression: string) => encodeURIComponent(expression);

async function entraCreatesUser(idp: ScimClient, userName = `${unique('entra')}@contoso.test`) {
  const created = await idp.post('/Users', fixture('entra/create-user', { userName })).expect(201);
  return created.body as { id: string; userName: string };
}

const ids = (group: { members?: Array<{ value: string }> }) => (group.members ?? []).map((member) => member.value).sort();

describe('SCIM with Microsoft Entra ID', () => {
  it('passes "Test connection": a random GUID userName gets 200 with an empty list', async () => {
    const idp = await scimClient();
    const response = await idp.get(`/Users?filter=${filter(`userName eq "${randomUUID()}"`)}`).expect(200);
    assert.deepEqual([response.body.totalResults, response.body.Resources], [0, []]);
  });

  it('creates a user from a payload with null attributes, empty roles, "Work" email type and the enterprise extension', async () => {
    const idp = await scimClient();
    const user = await entraCreatesUser(idp);
    const read = (await idp.get(`/Users/${user.id}`).expect(200)).body;
    assert.equal(read.emails[0].type, 'work');
    assert.equal(read[enterprise].department, 'Research');
    assert.equal(read.title, undefined);
  });

  it("finds users by externalId, quoted or unquoted as in Microsoft's documentation", async () => {
    const idp = await scimClient();
    const user = await entraCreatesUser(idp);
    for (const expression of ['externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"', 'externalId eq 0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef']) {
      const found = await idp.get(`/Users?filter=${filter(expression)}`).expect(200);
      assert.deepEqual(
        found.body.Resources.map((resource: { id: string }) => resource.id),
        [user.id],
        expression,
      );
    }
  });

  it('finds a user by the work email it matches on', async () => {
    const idp = await scimClient();
    const user = await entraCreatesUser(idp);
    const found = await idp.get(`/Users?filter=${filter(`emails[type eq "work"].value eq "${user.userName.toUpperCase()}"`)}`).expect(200);
    assert.equal(found.body.totalResults, 1);
  });

  it('applies capitalised ops, string booleans, an email added by filter path, and manager as a plain id', async () => {
    const idp = await scimClient();
    const manager = await entraCreatesUser(idp);
    const user = await entraCreatesUser(idp);
    const newEmail = `${unique('new')}@contoso.test`;
    const updated = (await idp.patch(`/Users/${user.id}`, fixture('entra/update-user', { newEmail, managerId: manager.id })).expect(200)).body;
    assert.equal(updated.displayName, 'Updated Name');
    assert.equal(updated.name.familyName, 'updatedFamilyName');
    assert.equal(updated[enterprise].manager.value, manager.id);
    assert.deepEqual(
      updated.emails.map((email: { value: string }) => email.value),
      [newEmail],
    );
    assert.deepEqual(updated.roles, [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Reader' }]);
  });

  it('disables with "Replace" active "False" and enables with "True"', async () => {
    const idp = await scimClient();
    const user = await entraCreatesUser(idp);
    assert.equal((await idp.patch(`/Users/${user.id}`, fixture('entra/disable-user')).expect(200)).body.active, false);
    assert.equal((await idp.patch(`/Users/${user.id}`, fixture('entra/enable-user')).expect(200)).body.active, true);
  });

  it('applies a path-less replace with dotted and URN-prefixed keys (aadOptscim062020)', async () => {
    const idp = await scimClient();
    const manager = await entraCreatesUser(idp);
    const user = await entraCreatesUser(idp);
    const updated = (await idp.patch(`/Users/${user.id}`, fixture('entra/pathless-replace', { managerId: manager.id })).expect(200)).body;
    assert.equal(updated.displayName, 'Ada L.');
    assert.deepEqual(updated.name, { formatted: 'givenName familyName', givenName: 'Ada', familyName: 'Lovelace' });
    assert.equal(updated[enterprise].employeeNumber, '7');
    assert.equal(updated[enterprise].department, 'Research', 'attributes left out stay');
    assert.equal(updated[enterprise].manager.value, manager.id);
    assert.equal(updated.active, false);
  });

  it('creates a group with an extra Microsoft schema, finds it by displayName without members, and fills it in batches', async () => {
    const idp = await scimClient();
    const [a, b, c] = [await entraCreatesUser(idp), await entraCreatesUser(idp), await entraCreatesUser(idp)];
    const group = (await idp.post('/Groups', fixture('entra/create-group', { displayName: 'Sales' })).expect(201)).body;
    const found = await idp.get(`/Groups?excludedAttributes=members&filter=${filter('displayName eq "Sales"')}`).expect(200);
    assert.equal(found.body.Resources[0].id, group.id);
    assert.equal(found.body.Resources[0].members, undefined);
    await idp.patch(`/Groups/${group.id}`, fixture('entra/add-members', { first: a.id, second: b.id })).expect(204);
    await idp.patch(`/Groups/${group.id}`, fixture('entra/add-members', { first: b.id, second: c.id })).expect(204);
    assert.deepEqual(ids((await idp.get(`/Groups/${group.id}`).expect(200)).body), [a.id, b.id, c.id].sort(), 'an existing member is not added twice');
  });

  it('checks membership with id eq "g" and members[value eq "u"]', async () => {
    const idp = await scimClient();
    const [a, b] = [await entraCreatesUser(idp), await entraCreatesUser(idp)];
    const group = (await idp.post('/Groups', fixture('entra/create-group', { displayName: 'Ops' })).expect(201)).body;
    await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: a.id }] })).expect(204);
    const check = (userId: string) =>
      idp.get(`/Groups?filter=${filter(`id eq "${group.id}" and members[value eq "${userId}"]`)}&excludedAttributes=members`).expect(200);
    assert.equal((await check(a.id)).body.totalResults, 1);
    assert.equal((await check(b.id)).body.totalResults, 0);
  });

  it('removes members by value list and by members[value eq …]; removing a non-member is a no-op', async () => {
    const idp = await scimClient();
    const [a, b, c] = [await entraCreatesUser(idp), await entraCreatesUser(idp), await entraCreatesUser(idp)];
    const group = (await idp.post('/Groups', fixture('entra/create-group', { displayName: 'Finance' })).expect(201)).body;
    await idp.patch(`/Groups/${group.id}`, fixture('entra/add-members', { first: a.id, second: b.id })).expect(204);
    await idp.patch(`/Groups/${group.id}`, fixture('entra/remove-members', { memberId: a.id })).expect(204);
    await idp.patch(`/Groups/${group.id}`, fixture('entra/remove-member-by-filter', { memberId: b.id })).expect(204);
    await idp.patch(`/Groups/${group.id}`, fixture('entra/remove-members', { memberId: c.id })).expect(204);
    assert.deepEqual(ids((await idp.get(`/Groups/${group.id}`).expect(200)).body), []);
  });

  it('runs a whole Entra lifecycle: create, lookup, update, group push, soft delete, restore, hard delete', async () => {
    const idp = await scimClient();
    const user = await entraCreatesUser(idp);
    assert.equal((await idp.get(`/Users?filter=${filter(`userName eq "${user.userName}"`)}`).expect(200)).body.totalResults, 1);
    await idp.patch(`/Users/${user.id}`, patchOp({ op: 'Replace', path: 'title', value: 'Analyst' })).expect(200);
    const group = (await idp.post('/Groups', fixture('entra/create-group', { displayName: 'Analysts' })).expect(201)).body;
    await idp.patch(`/Groups/${group.id}`, fixture('entra/rename-group', { displayName: 'Analysts EU' })).expect(204);
    await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'Add', path: 'members', value: [{ value: user.id }] })).expect(204);
    await idp.patch(`/Users/${user.id}`, fixture('entra/disable-user')).expect(200);
    const inactive = (await idp.get(`/Users/${user.id}`).expect(200)).body;
    assert.equal(inactive.active, false);
    assert.deepEqual(
      inactive.groups.map((g: { value: string }) => g.value),
      [group.id],
      'suspension keeps group memberships, inert',
    );
    await idp.patch(`/Users/${user.id}`, fixture('entra/enable-user')).expect(200);
    await idp.delete(`/Users/${user.id}`).expect(204);
    assert.deepEqual(ids((await idp.get(`/Groups/${group.id}`).expect(200)).body), []);
    await idp.delete(`/Groups/${group.id}`).expect(204);
    await idp.get(`/Groups/${group.id}`).expect(404);
  });

  it('accepts a create with only userName and a bare user schema', async () => {
    const idp = await scimClient();
    const userName = `${unique('bare')}@contoso.test`;
    const created = await idp.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }).expect(201);
    assert.equal(created.body.userName, userName);
    await idp.post('/Users', newUser(`${unique('x')}@contoso.test`, { active: 'True' })).expect(201);
  });
});
