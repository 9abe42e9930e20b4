import assert from 'node:assert/strict';
import { listAuditEvents } from '../../../src/org/audit/audit.service.js';
import { createApiKey, createScimToken } from '../../../src/org/credentials/credentials.service.js';
import { createGroup } from '../../../src/org/groups/groups.service.js';
import { grantGroupRole } from '../../../src/org/groups/group-grants.service.js';
import { deleteOrganization, renameOrganization } from '../../../src/org/organizations/organizations.service.js';
import { setSeatLimit } from '../../../src/org/seats/seats.service.js';
import { createWorkspace } from '../../../src/org/workspaces/workspaces.service.js';
import { db } from '../../support/database.js';
import { countRows, makeMember, makeOrganization, rejectionOf, system, tx, unique } from '../../support/factories.js';

const tablesWithOrganization = [
  'members',
  'member_emails',
  'workspaces',
  'workspace_members',
  'groups',
  'group_members',
  'group_workspace_grants',
  'seat_pools',
  'seat_assignments',
  'scim_tokens',
  'api_keys',
];

describe('organizations', () => {
  it('starts with a default Workspace and a first Admin linked to an Account, in three events', async () => {
    const org = await makeOrganization();
    assert.equal(org.defaultWorkspace.isDefault, true);
    assert.equal(org.admin.role, 'admin');
    assert.equal(org.admin.source, 'bootstrap');
    assert.ok(org.admin.accountId);
    const events = await tx((t) => listAuditEvents(t, { organizationId: org.id }));
    assert.deepEqual(events.map((event) => event.action).sort(), ['member.created', 'organization.created', 'workspace.created']);
  });

  it('renames, recording the old and new name', async () => {
    const org = await makeOrganization();
    const renamed = await tx((t) => renameOrganization(t, org.adminActor, org.id, 'Acme Corp'));
    assert.equal(renamed.name, 'Acme Corp');
    const [event] = await tx((t) => listAuditEvents(t, { organizationId: org.id, action: 'organization.renamed' }));
    assert.deepEqual(event!.data, { from: org.organization.name, to: 'Acme Corp' });
  });

  it('deletes everything in the Organization, keeps the deletion on record, and leaves others alone', async () => {
    const [org, neighbour] = [await makeOrganization(), await makeOrganization()];
    for (const target of [org, neighbour]) {
      await tx((t) => setSeatLimit(t, system, target.id, 'chat', 2));
      const member = await makeMember(target.id, { seats: ['chat'] });
      const workspace = await tx((t) => createWorkspace(t, target.adminActor, target.id, unique('W')));
      const group = await tx((t) => createGroup(t, system, target.id, { displayName: unique('G'), memberIds: [member.id] }));
      await tx((t) => grantGroupRole(t, system, target.id, group.id, workspace.id, 'admin'));
      await tx((t) => createScimToken(t, system, target.id));
      await tx((t) => createApiKey(t, target.adminActor, target.id, target.admin.id, workspace.id, 'k'));
    }

    await tx((t) => deleteOrganization(t, system, org.id));

    assert.equal(await countRows('organizations', { id: org.id }), 0);
    for (const table of tablesWithOrganization) {
      assert.equal(await countRows(table, { organization_id: org.id }), 0, `${table} still holds rows`);
      assert.ok((await countRows(table, { organization_id: neighbour.id })) > 0, `${table} lost the neighbour's rows`);
    }
    const left = await db()('audit_events').where({ organization_id: org.id });
    assert.deepEqual(
      left.map((event: { action: string }) => event.action),
      ['organization.deleted'],
    );
  });

  it('deletes only when the confirmation is the current name, exactly', async () => {
    const org = await makeOrganization('Acme Corp');
    for (const confirmName of ['acme corp', 'Acme Corp ', 'Acme', '']) {
      const refused = await rejectionOf(tx((t) => deleteOrganization(t, org.adminActor, org.id, { confirmName })));
      assert.equal(refused.code, 'confirmation_mismatch', JSON.stringify(confirmName));
    }
    assert.equal(await countRows('organizations', { id: org.id }), 1);
    await tx((t) => deleteOrganization(t, org.adminActor, org.id, { confirmName: 'Acme Corp' }));
    assert.equal(await countRows('organizations', { id: org.id }), 0);
  });
});
