import assert from 'node:assert/strict';
import { auditEvent, type AuditEntry } from '../../../src/org/audit/audit.service.js';
import { system } from '../../support/factories.js';

// The checks that matter here are made by tsc: each `@ts-expect-error` fails the
// build if its line ever compiles, i.e. if AuditEntry stops catching that mistake.
const wellFormed: AuditEntry[] = [
  { action: 'domain.claimed', target: { type: 'domain', id: 'd1' }, data: { domain: 'acme.test' } },
  { action: 'api_key.revoked', target: { type: 'api_key', id: 'k1' } },
  { action: 'group.updated', target: { type: 'group', id: 'g1' }, data: { membersAdded: ['m1'] } },
];

const mistakes: AuditEntry[] = [
  // @ts-expect-error a misspelled action
  { action: 'domain.claimd', target: { type: 'domain', id: 'd1' }, data: { domain: 'acme.test' } },
  // @ts-expect-error a wrong target type
  { action: 'domain.claimed', target: { type: 'member', id: 'd1' }, data: { domain: 'acme.test' } },
  // @ts-expect-error a missing data field
  { action: 'domain.verification_failed', target: { type: 'domain', id: 'd1' }, data: { domain: 'acme.test' } },
  // @ts-expect-error a misspelled data field
  { action: 'workspace.deleted', target: { type: 'workspace', id: 'w1' }, data: { nmae: 'Design' } },
  // @ts-expect-error data missing altogether
  { action: 'seat.released', target: { type: 'member', id: 'm1' } },
];

// auditEvent, which repos use to write the event in the statement of the change, is as strict.
// @ts-expect-error a misspelled literal action on a member
auditEvent('o1', system, { action: 'member.craeted', target: { type: 'member', id: 'm1' }, data: {} });

describe('audit event payloads (typed per action)', () => {
  it('stores an entry as it was written: action, target and data unchanged', () => {
    const [claimed, revoked] = wellFormed.map((entry) => auditEvent('o1', system, entry));
    assert.deepEqual(
      { action: claimed!.action, targetType: claimed!.target_type, targetId: claimed!.target_id, data: claimed!.data },
      { action: 'domain.claimed', targetType: 'domain', targetId: 'd1', data: { domain: 'acme.test' } },
    );
    assert.deepEqual(revoked!.data, {}, 'an action without data stores an empty object, as before');
    assert.equal(mistakes.length, 5);
  });
});
