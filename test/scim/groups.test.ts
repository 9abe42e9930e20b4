import assert from 'node:assert/strict';
import { listAuditEvents } from '../../src/org/audit/audit.service.js';
import { addGroupMembers } from '../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../src/org/groups/group-grants.service.js';
import { createWorkspace, effectiveAccess } from '../../src/org/workspaces/workspaces.service.js';
import { countRows, makeMember, rejectionOf, system, tx, unique } from '../support/factories.js';
import { newUser, patchOp, scimClient, type ScimClient } from '../support/scim.js';

async function users(idp: ScimClient, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push((await makeMember(idp.org.id)).id);
  return ids;
}

const memberIds = async (idp: ScimClient, groupId: string) =>
  ((await idp.get(`/Groups/${groupId}`).expect(200)).body.members as Array<{ value: string }>).map((member) => member.value).sort();

describe('SCIM /Groups', () => {
  it('creates a group with members, shows them with display names and $ref, and hides them when excluded', async () => {
    const idp = await scimClient();
    const user = (await idp.post('/Users', newUser(`${unique('u')}@example.com`, { displayName: 'Ada' })).expect(201)).body;
    const created = await idp.post('/Groups', { displayName: 'Readers', externalId: 'okta-1', members: [{ value: user.id }] }).expect(201);
    assert.equal(String(created.headers.location), created.body.meta.location);
    assert.deepEqual(created.body.members, [{ value: user.id, display: 'Ada', $ref: `https://roster.example.test/scim/v2/Users/${user.id}`, type: 'User' }]);
    const listed = (await idp.get('/Groups?excludedAttributes=members').expect(200)).body;
    assert.equal(listed.Resources[0].members, undefined);
    const userView = (await idp.get(`/Users/${user.id}`).expect(200)).body;
    assert.deepEqual(
      userView.groups.map((group: { value: string; display: string }) => [group.value, group.display]),
      [[created.body.id, 'Readers']],
    );
  });

  it("applies the group's Workspace grants the moment members are added, and withdraws them on removal", async () => {
    const idp = await scimClient();
    const [member] = await users(idp, 1);
    const workspace = await tx((t) => createWorkspace(t, system, idp.org.id, unique('Design')));
    const group = (await idp.post('/Groups', { displayName: 'Designers' }).expect(201)).body;
    await tx((t) => grantGroupRole(t, system, idp.org.id, group.id, workspace.id, 'admin'));
    const inWorkspace = async () => (await tx((t) => effectiveAccess(t, idp.org.id, member!))).find((entry) => entry.workspaceId === workspace.id)?.role;
    await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: member }] })).expect(204);
    assert.equal(await inWorkspace(), 'admin');
    await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: `members[value eq "${member}"]` })).expect(204);
    assert.equal(await inWorkspace(), undefined);
  });

  it('adds a hundred members in one PATCH and writes one audit event and one new version for it', async () => {
    const idp = await scimClient();
    const ids = await users(idp, 100);
    const group = (await idp.post('/Groups', { displayName: 'Everyone' }).expect(201)).body;
    const response = await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) })).expect(204);
    assert.equal(response.headers.etag, 'W/"2"');
    assert.equal(await countRows('group_members', { group_id: group.id }), 100);
    const events = await tx((t) => listAuditEvents(t, { organizationId: idp.org.id, targetId: group.id }));
    assert.deepEqual(events.map((event) => event.action).sort(), ['group.created', 'group.updated']);
  });

  it('refuses members from another Organization or unknown ids, changing nothing', async () => {
    const idp = await scimClient();
    const other = await scimClient();
    const [theirs] = await users(other, 1);
    const [mine] = await users(idp, 1);
    const group = (await idp.post('/Groups', { displayName: 'Mixed' }).expect(201)).body;
    const refused = await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: mine }, { value: theirs }] })).expect(400);
    assert.match(refused.body.detail, new RegExp(theirs!));
    assert.deepEqual(await memberIds(idp, group.id), []);
    await idp.post('/Groups', { displayName: 'Bad', members: [{ value: 'nope' }] }).expect(400);
    await idp.post('/Groups', { displayName: '' }).expect(400);
  });

  it('replaces name, externalId and all members with PUT', async () => {
    const idp = await scimClient();
    const [a, b, c] = await users(idp, 3);
    const group = (await idp.post('/Groups', { displayName: 'Old', externalId: 'x', members: [{ value: a }, { value: b }] }).expect(201)).body;
    const replaced = (await idp.put(`/Groups/${group.id}`, { displayName: 'New', members: [{ value: b }, { value: c }] }).expect(200)).body;
    assert.equal(replaced.displayName, 'New');
    assert.equal(replaced.externalId, undefined);
    assert.deepEqual(replaced.members.map((member: { value: string }) => member.value).sort(), [b, c].sort());
  });

  it('answers PATCH with the resource when attributes are asked for, and refuses bad paths', async () => {
    const idp = await scimClient();
    const group = (await idp.post('/Groups', { displayName: 'Ops' }).expect(201)).body;
    const renamed = await idp
      .patch(`/Groups/${group.id}?excludedAttributes=members`, patchOp({ op: 'replace', path: 'displayName', value: 'SRE' }))
      .expect(200);
    assert.equal(renamed.body.displayName, 'SRE');
    assert.equal((await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'displayName' })).expect(400)).body.scimType, 'mutability');
    assert.equal((await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'replace', path: 'owner', value: 'x' })).expect(400)).body.scimType, 'invalidPath');
    assert.equal(
      (await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'members[display eq "x"]' })).expect(400)).body.scimType,
      'invalidFilter',
    );
    await idp
      .patch(`/Groups/${group.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ops' }))
      .set('If-Match', 'W/"1"')
      .expect(412);
  });

  it('empties a group with a remove of members without a value', async () => {
    const idp = await scimClient();
    const ids = await users(idp, 3);
    const group = (await idp.post('/Groups', { displayName: 'Temp', members: ids.map((value) => ({ value })) }).expect(201)).body;
    await idp.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'members' })).expect(204);
    assert.deepEqual(await memberIds(idp, group.id), []);
  });

  it("keeps a SCIM-pushed group's members for the IdP: an admin cannot change them", async () => {
    const idp = await scimClient();
    const [member] = await users(idp, 1);
    const group = (await idp.post('/Groups', { displayName: 'Pushed' }).expect(201)).body;
    const refusal = await rejectionOf(tx((t) => addGroupMembers(t, idp.org.adminActor, idp.org.id, group.id, [member!])));
    assert.equal(refusal.code, 'externally_managed');
  });

  it('ends with every member and no duplicate when concurrent PATCHes add overlapping members', async () => {
    const idp = await scimClient();
    const ids = await users(idp, 30);
    const group = (await idp.post('/Groups', { displayName: 'Busy' }).expect(201)).body;
    const batches = Array.from({ length: 10 }, (_, index) => ids.slice(index * 2, index * 2 + 12));
    const responses = await Promise.all(
      batches.map((batch) => idp.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: batch.map((value) => ({ value })) }))),
    );
    assert.ok(responses.every((response) => response.status === 204));
    assert.deepEqual(await memberIds(idp, group.id), ids.slice(0, 30).sort());
    assert.equal(await countRows('group_members', { group_id: group.id }), 30);
  });

  it('deletes a group and its grants; its former members keep everything else', async () => {
    const idp = await scimClient();
    const [member] = await users(idp, 1);
    const group = (await idp.post('/Groups', { displayName: 'Gone', members: [{ value: member }] }).expect(201)).body;
    await idp.delete(`/Groups/${group.id}`).expect(204);
    await idp.get(`/Groups/${group.id}`).expect(404);
    assert.equal(await countRows('members', { id: member }), 1);
  });
});
