import assert from 'node:assert/strict';
import { createScimToken, revokeApiKey, revokeScimToken, createApiKey } from '../../src/org/credentials/credentials.service.js';
import { addGroupMembers, createGroup, deleteGroup } from '../../src/org/groups/groups.service.js';
import { changeRole, suspendMember, updateProfile } from '../../src/org/members/member-changes.service.js';
import { getMember, removeMember } from '../../src/org/members/members.service.js';
import { assignSeat, setSeatLimit } from '../../src/org/seats/seats.service.js';
import { addWorkspaceMember, deleteWorkspace, renameWorkspace } from '../../src/org/workspaces/workspaces.service.js';
import { makeMember, makeOrganization, rejectionOf, system, tx } from '../support/factories.js';

describe('tenancy (invariant 8)', () => {
  it('answers "not found" for every id of another Organization, and changes nothing', async () => {
    const [mine, theirs] = [await makeOrganization(), await makeOrganization()];
    const member = await makeMember(theirs.id);
    await tx((t) => setSeatLimit(t, system, mine.id, 'chat', 5));
    const group = await tx((t) => createGroup(t, system, theirs.id, { displayName: 'Theirs' }));
    const token = await tx((t) => createScimToken(t, system, theirs.id));
    const key = await tx((t) => createApiKey(t, theirs.adminActor, theirs.id, theirs.admin.id, theirs.defaultWorkspace.id, 'k'));

    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['member_not_found', () => tx((t) => getMember(t, mine.id, member.id))],
      ['member_not_found', () => tx((t) => updateProfile(t, system, mine.id, member.id, { title: 'x' }))],
      ['member_not_found', () => tx((t) => changeRole(t, system, mine.id, member.id, 'admin'))],
      ['member_not_found', () => tx((t) => suspendMember(t, system, mine.id, member.id))],
      ['member_not_found', () => tx((t) => removeMember(t, system, mine.id, member.id))],
      ['member_not_found', () => tx((t) => assignSeat(t, system, mine.id, member.id, 'chat'))],
      ['member_not_found', () => tx((t) => addWorkspaceMember(t, system, mine.id, mine.defaultWorkspace.id, member.id))],
      ['workspace_not_found', () => tx((t) => renameWorkspace(t, system, mine.id, theirs.defaultWorkspace.id, 'x'))],
      ['workspace_not_found', () => tx((t) => deleteWorkspace(t, system, mine.id, theirs.defaultWorkspace.id))],
      ['group_not_found', () => tx((t) => addGroupMembers(t, system, mine.id, group.id, [mine.admin.id]))],
      ['group_not_found', () => tx((t) => deleteGroup(t, system, mine.id, group.id))],
      ['scim_token_not_found', () => tx((t) => revokeScimToken(t, system, mine.id, token.scimToken.id))],
      ['api_key_not_found', () => tx((t) => revokeApiKey(t, system, mine.id, key.apiKey.id))],
      ['member_not_found', () => tx((t) => getMember(t, mine.id, 'not-a-uuid'))],
      ['group_not_found', () => tx((t) => deleteGroup(t, system, mine.id, "1' OR '1'='1"))],
    ];
    for (const [code, attempt] of attempts) {
      const error = await rejectionOf(attempt());
      assert.equal(error.code, code);
      assert.equal(error.kind, 'not_found');
    }
    const untouched = await tx((t) => getMember(t, theirs.id, member.id));
    assert.equal(untouched.version, member.version);
    assert.equal(untouched.status, 'active');
  });
});
