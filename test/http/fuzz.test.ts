import assert from 'node:assert/strict';
import { samlSettingsSupport } from '../../src/sso/saml/settings-support.js';
import type { Express } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { apiRoutes } from '../../src/api/router.js';
import { createScimToken } from '../../src/org/credentials/credentials.service.js';
import { authApp, sessionFor } from '../support/auth.js';
import { db, serverUrl } from '../support/database.js';
import { makeMember, makeOrganization, system, tx, type TestOrganization } from '../support/factories.js';
import { newUser, publicUrl } from '../support/scim.js';

/**
 * Every route, every string field and query parameter, each bad value: no 5xx,
 * and a refused request changes nothing. Routes come from the admin API's
 * registry (its zod schemas name each body field and query parameter); SCIM,
 * /auth and /sso routes from the lists below. Deterministic: the one random
 * string is drawn from a seeded generator.
 *
 * On the embedded database (one connection, much slower per statement) the
 * 1 MB values are left out; everything else runs there too.
 */

type Json = Record<string, unknown>;

/** A seeded generator (mulberry32), so every run sends the same bytes. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(20261201);
/** 1 MB of random letters: incompressible, so an index cannot squeeze it under its row limit. */
const megabyte = Array.from({ length: 1024 * 1024 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const full = serverUrl() !== undefined;

/** Bad values as JSON text to put where a string was, and as raw URL text for paths and queries. */
const bodyValues: Array<[string, string]> = [
  ['NUL', JSON.stringify('a\u0000b')],
  ['lone surrogate', JSON.stringify('a\uDC00b')],
  ['10,000 levels of nesting', deep],
];
const urlValues: Array<[string, string]> = [
  ['NUL', 'a%00b'],
  ['lone surrogate (CESU-8)', 'a%ED%B0%80b'],
  ['10,000 brackets', '%5B'.repeat(10_000)],
];
/**
 * The 1 MB value goes into every string of every SCIM body (8 MB limit: each field
 * meets its own column and index). Elsewhere its fate does not depend on the field —
 * an admin API or /auth body over its limit (1 MB, 16 kB) is a 413 before it is read,
 * a 1 MB URL a 431 from Node's parser — so it is sent once per route and part there.
 */
const bigBody: [string, string] = ['1 MB string', JSON.stringify(megabyte)];
const bigUrl: [string, string] = ['1 MB string', megabyte];
const once = <T>(list: T[], big: T, first: boolean): T[] => (full && first ? [...list, big] : list);

const placeholder = '\u0001fuzz\u0001';

/** A body the schema accepts (or nearly), one per alternative of a union. */
function samplesOf(schema: Json, ids: Record<string, string>): unknown[] {
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (options) return options.flatMap((option) => samplesOf(option, ids));
  if (Array.isArray(schema.enum)) return [schema.enum[0]];
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const sample: Json = {};
      for (const [name, property] of Object.entries(properties)) sample[name] = samplesOf(property, ids)[0];
      return [sample];
    }
    case 'array':
      return [schema.items ? [samplesOf(schema.items as Json, ids)[0]] : []];
    case 'string':
      return [schema.format === 'uuid' ? ids.member : schema.format === 'email' ? 'fuzz@example.test' : 'x'];
    case 'integer':
    case 'number':
      return [1];
    case 'boolean':
      return [true];
    default:
      return ['x'];
  }
}

/** Each string in `value` (and, for objects, a key added beside the others) replaced by the placeholder, one at a time. */
function variantsOf(value: unknown): unknown[] {
  if (typeof value === 'string') return [placeholder];
  if (Array.isArray(value))
    return value.flatMap((item, index) => variantsOf(item).map((variant) => value.map((other, at) => (at === index ? variant : other))));
  if (value && typeof value === 'object') {
    const object = value as Json;
    return [
      ...Object.entries(object).flatMap(([key, inner]) => variantsOf(inner).map((variant) => ({ ...object, [key]: variant }))),
      { ...object, [placeholder]: 1 },
    ];
  }
  return [];
}

/** The JSON text of `variant` with the placeholder (as a value or as a key) replaced by `bad`. */
function withBad(variant: unknown, bad: string): string {
  const text = JSON.stringify(variant);
  const quoted = JSON.stringify(placeholder);
  // A key must stay a string: a bad non-string value becomes the NUL key instead.
  return text.replace(`${quoted}:`, `${bad.startsWith('"') ? bad : JSON.stringify('k\u0000')}:`).replace(quoted, bad);
}

interface Probe {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  query?: string;
  body?: string;
  contentType?: string;
  auth: 'admin' | 'scim' | 'none';
}

/** An Organization's state: its rows, table by table. Volatile columns (last use) are counted, not compared. */
async function snapshot(organizationId: string): Promise<Record<string, string>> {
  const compared = [
    'members',
    'member_emails',
    'workspaces',
    'workspace_members',
    'groups',
    'group_members',
    'group_workspace_grants',
    'seat_pools',
    'seat_assignments',
    'api_keys',
    'audit_events',
    'domains',
    'sso_connections',
    'invitations',
  ];
  const counted = ['scim_tokens', 'sessions', 'sign_in_links', 'sso_identities'];
  const parts = [
    ...compared.map(
      (table) =>
        `(select count(*) || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') from ${table} t where organization_id = :id) as ${table}`,
    ),
    ...counted.map((table) => `(select count(*)::text from ${table} where organization_id = :id) as ${table}`),
    `(select name from organizations where id = :id) as organization`,
    `(select count(*)::text from accounts) as accounts`,
    `(select count(*)::text from mail_outbox) as mail`,
    `(select count(*)::text from request_rate_limits) as rate_limits`,
  ];
  const result = await db().raw(`select ${parts.join(', ')}`, { id: organizationId });
  return result.rows[0] as Record<string, string>;
}

describe('fuzzing every route with bad input', function () {
  this.timeout(full ? 120_000 : 600_000);
  let app: Express;
  let org: TestOrganization;
  let adminToken: string;
  let scimToken: string;
  let ids: Record<string, string>;

  before(async () => {
    app = authApp();
    org = await makeOrganization();
    adminToken = await sessionFor(app, org.id, org.admin.userName);
    scimToken = (await tx((t) => createScimToken(t, system, org.id, 'IdP'))).token;
    const api = (method: 'post' | 'put' | 'get', path: string, body?: unknown) =>
      request(app)
        [method](`/api/v1${path}`)
        .set('Authorization', `Bearer ${adminToken}`)
        .send(body as object);
    const scim = (path: string, body: unknown) =>
      request(app)
        .post(`/scim/v2${path}`)
        .set('Authorization', `Bearer ${scimToken}`)
        .send(body as object);
    const member = await makeMember(org.id);
    await api('put', '/seats/chat', { limit: 5 }).expect(200);
    const workspace = (await api('post', '/workspaces', { name: 'Fuzz' }).expect(201)).body;
    const group = (await api('post', '/groups', { displayName: 'Fuzzers' }).expect(201)).body;
    const domain = (await api('post', '/domains', { domain: 'fuzz.example.test' }).expect(201)).body;
    const invitation = (await api('post', '/invitations', { emails: ['invitee@fuzz.example.test'], role: 'member' }).expect(201)).body;
    const key = (await api('post', '/api-keys', { workspaceId: org.defaultWorkspace.id, name: 'fuzz' }).expect(201)).body;
    const token = (await api('post', '/scim-tokens', { name: 'second' }).expect(201)).body;
    const session = (await api('get', '/sessions').expect(200)).body;
    const scimUser = (await scim('/Users', newUser('scim-user@fuzz.example.test')).expect(201)).body;
    const scimGroup = (await scim('/Groups', { displayName: 'SCIM group', members: [{ value: scimUser.id }] }).expect(201)).body;
    ids = {
      member: member.id,
      workspace: workspace.id,
      group: group.id,
      domain: domain.id ?? domain.domain?.id,
      invitation: (invitation.invitations ?? [invitation])[0].id,
      key: key.id ?? key.apiKey?.id,
      token: token.id ?? token.scimToken?.id,
      session: (session.sessions ?? session)[0].id,
      scimUser: scimUser.id,
      scimGroup: scimGroup.id,
    };
    for (const [name, id] of Object.entries(ids)) assert.ok(typeof id === 'string', `fixture ${name} has an id`);
  });

  /** The path with each {param} a real id, and one variant per param with a bad value in its place. */
  function paths(template: string): { good: string; bad: Array<[string, string]> } {
    const collection = template.split('/')[1]!;
    const idOf = (param: string): string => {
      if (param === 'memberId') return ids.member!;
      if (param === 'workspaceId') return ids.workspace!;
      if (param === 'product') return 'chat';
      return (
        {
          domains: ids.domain,
          members: ids.member,
          workspaces: ids.workspace,
          groups: ids.group,
          invitations: ids.invitation,
          'api-keys': ids.key,
          'scim-tokens': ids.token,
          sessions: ids.session,
        }[collection] ?? ids.member!
      );
    };
    const params = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
    const fill = (bad?: [string, string]) => template.replace(/\{(\w+)\}/g, (_whole, param: string) => (bad && param === bad[0] ? bad[1] : idOf(param)));
    return {
      good: fill(),
      bad: params.flatMap((param, index) =>
        once(urlValues, bigUrl, index === 0).map(([label, value]): [string, string] => [`{${param}} ${label}`, fill([param, value])]),
      ),
    };
  }

  function apiProbes(): Array<[string, Probe]> {
    const routes = apiRoutes({ db: db(), publicUrl, lookupTxt: async () => [], saml: samlSettingsSupport(), invitationRateLimit: 0 });
    const probes: Array<[string, Probe]> = [];
    const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
    for (const route of routes) {
      const { good, bad } = paths(route.path);
      const base = { method: route.method, auth: 'admin' as const };
      const name = `${route.method.toUpperCase()} /api/v1${route.path}`;
      for (const [label, path] of bad) probes.push([`${name} ${label}`, { ...base, path: `/api/v1${path}` }]);
      if (route.query) {
        for (const [index, parameter] of Object.keys((toJson(route.query).properties ?? {}) as Json).entries()) {
          for (const [label, value] of once(urlValues, bigUrl, index === 0))
            probes.push([`${name} ?${parameter} ${label}`, { ...base, path: `/api/v1${good}`, query: `${parameter}=${value}` }]);
        }
      }
      if (route.body) {
        for (const sample of samplesOf(toJson(route.body), ids)) {
          for (const [index, variant] of variantsOf(sample).entries()) {
            for (const [label, value] of once(bodyValues, bigBody, index === 0))
              probes.push([`${name} ${label} in ${JSON.stringify(variant).slice(0, 80)}`, { ...base, path: `/api/v1${good}`, body: withBad(variant, value) }]);
          }
        }
      }
    }
    return probes;
  }

  /** SCIM, /auth and /sso: what each route reads, as a sample body or query, a bad value put in each string. */
  function listedProbes(): Array<[string, Probe]> {
    const patchOp = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] };
    const listQuery = ['filter', 'sortBy', 'sortOrder', 'startIndex', 'count', 'attributes', 'excludedAttributes', 'cursor'];
    const search = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "x"',
      sortBy: 'userName',
      sortOrder: 'ascending',
      attributes: ['userName'],
      excludedAttributes: ['emails'],
      cursor: '',
    };
    const user = newUser('fuzz-user@fuzz.example.test', {
      displayName: 'x',
      externalId: 'x',
      'urn:ietf:params:scim:schemas:extension:roster:2.0:User': { role: 'member', seats: ['chat'] },
    });
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'x', externalId: 'x', members: [{ value: ids.scimUser }] };
    const bulk = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: user },
        { method: 'PATCH', path: `/Groups/${ids.scimGroup}`, data: patchOp },
      ],
    };
    const listed: Array<{ method: Probe['method']; path: string; auth: Probe['auth']; query?: string[]; body?: unknown; form?: boolean }> = [
      { method: 'get', path: '/scim/v2/Users', auth: 'scim', query: listQuery },
      { method: 'get', path: '/scim/v2/Groups', auth: 'scim', query: listQuery },
      { method: 'get', path: '/scim/v2/Users/{scimUser}', auth: 'scim', query: ['attributes', 'excludedAttributes'] },
      { method: 'get', path: '/scim/v2/Groups/{scimGroup}', auth: 'scim', query: ['attributes', 'excludedAttributes'] },
      { method: 'post', path: '/scim/v2/Users', auth: 'scim', body: user },
      { method: 'put', path: '/scim/v2/Users/{scimUser}', auth: 'scim', body: { ...user, userName: 'scim-user@fuzz.example.test' } },
      { method: 'patch', path: '/scim/v2/Users/{scimUser}', auth: 'scim', body: patchOp },
      { method: 'delete', path: '/scim/v2/Users/{scimUser}', auth: 'scim' },
      { method: 'post', path: '/scim/v2/Groups', auth: 'scim', body: group },
      { method: 'put', path: '/scim/v2/Groups/{scimGroup}', auth: 'scim', body: group },
      { method: 'patch', path: '/scim/v2/Groups/{scimGroup}', auth: 'scim', body: patchOp },
      { method: 'delete', path: '/scim/v2/Groups/{scimGroup}', auth: 'scim' },
      { method: 'post', path: '/scim/v2/Users/.search', auth: 'scim', body: search },
      {
        method: 'post',
        path: '/scim/v2/Groups/.search',
        auth: 'scim',
        body: { ...search, filter: 'displayName eq "x"', sortBy: 'displayName', attributes: ['displayName'], excludedAttributes: ['members'] },
      },
      { method: 'post', path: '/scim/v2/.search', auth: 'scim', body: { ...search, sortBy: undefined } },
      { method: 'post', path: '/scim/v2/Bulk', auth: 'scim', body: bulk },
      { method: 'get', path: '/scim/v2/Schemas/{scimUser}', auth: 'scim' },
      { method: 'get', path: '/scim/v2/ResourceTypes/{scimUser}', auth: 'scim' },
      { method: 'post', path: '/scim/v2/Schemas', auth: 'scim', body: { schemas: ['x'] } },
      { method: 'post', path: '/auth/email', auth: 'none', body: { email: 'fuzz@example.test', organizationId: org.id } },
      { method: 'post', path: '/auth/email', auth: 'none', body: { email: 'fuzz@example.test' }, form: true },
      { method: 'get', path: '/auth/email/verify', auth: 'none', query: ['token'] },
      { method: 'post', path: '/auth/email/verify', auth: 'none', body: { token: 'x' } },
      { method: 'post', path: '/auth/email/verify', auth: 'none', body: { token: 'x' }, form: true },
      { method: 'post', path: '/auth/invitations/accept', auth: 'admin', body: { token: 'x' } },
      { method: 'get', path: '/auth/session', auth: 'admin', query: ['x'] },
      { method: 'get', path: '/sso/{organization}/metadata', auth: 'none' },
      { method: 'get', path: '/sso/{organization}/login', auth: 'none', query: ['RelayState', 'returnTo'] },
      { method: 'post', path: '/sso/{organization}/acs', auth: 'none', body: { SAMLResponse: 'PHg+', RelayState: '/' }, form: true },
    ];
    const probes: Array<[string, Probe]> = [];
    for (const route of listed) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
      const fill = (bad?: string) => route.path.replace(/\{(\w+)\}/g, (_whole, param: string) => bad ?? (param === 'organization' ? org.id : ids[param]!));
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const base = { method: route.method, auth: route.auth };
      if (params.length > 0) for (const [label, value] of once(urlValues, bigUrl, true)) probes.push([`${name} path ${label}`, { ...base, path: fill(value) }]);
      for (const [index, parameter] of (route.query ?? []).entries()) {
        for (const [label, value] of once(urlValues, bigUrl, index === 0))
          probes.push([`${name} ?${parameter} ${label}`, { ...base, path: fill(), query: `${parameter}=${value}` }]);
      }
      if (route.body === undefined) continue;
      if (route.form) {
        for (const [index, field] of Object.keys(route.body as Json).entries()) {
          for (const [label, value] of once(urlValues, bigUrl, index === 0)) {
            const form = Object.entries(route.body as Json)
              .map(([key, inner]) => `${key}=${key === field ? value : encodeURIComponent(String(inner))}`)
              .join('&');
            probes.push([`${name} form ${field} ${label}`, { ...base, path: fill(), body: form, contentType: 'application/x-www-form-urlencoded' }]);
          }
        }
        continue;
      }
      const scimBody = route.path.startsWith('/scim/');
      for (const [index, variant] of variantsOf(route.body).entries()) {
        for (const [label, value] of once(bodyValues, bigBody, scimBody || index === 0))
          probes.push([
            `${name} ${label} in ${JSON.stringify(variant).slice(0, 80)}`,
            { ...base, path: fill(), body: withBad(variant, value), contentType: 'application/scim+json' },
          ]);
      }
    }
    return probes;
  }

  async function send(probe: Probe): Promise<number> {
    let test = request(app)[probe.method](probe.query ? `${probe.path}?${probe.query}` : probe.path);
    if (probe.auth === 'admin') test = test.set('Authorization', `Bearer ${adminToken}`);
    if (probe.auth === 'scim') test = test.set('Authorization', `Bearer ${scimToken}`);
    if (probe.body !== undefined)
      test = test
        .set('Content-Type', probe.contentType ?? 'application/json')
        .set('Origin', new URL(publicUrl).origin)
        .send(probe.body);
    return (await test).status;
  }

  it('answers every bad value on every route with a 4xx that changes nothing', async () => {
    const probes = [...apiProbes(), ...listedProbes()];
    assert.ok(probes.length > 300, `${probes.length} probes`);
    const failures: string[] = [];
    // A few at a time, the state compared around each batch: when every answer in it was
    // a 4xx, nothing may have changed (a 2xx may change things, and moves the baseline).
    const batchSize = 4;
    let before = await snapshot(org.id);
    for (let start = 0; start < probes.length; start += batchSize) {
      const batch = probes.slice(start, start + batchSize);
      const statuses = await Promise.all(batch.map(([, probe]) => send(probe)));
      const after = await snapshot(org.id);
      batch.forEach(([name], index) => {
        if (statuses[index]! >= 500) failures.push(`${name}: ${statuses[index]}`);
      });
      const changed = Object.keys(after).filter((key) => after[key] !== before[key]);
      if (statuses.every((status) => status >= 400) && changed.length > 0) {
        failures.push(`one of ${batch.map(([name], index) => `${name} (${statuses[index]})`).join(', ')} changed ${changed.join(', ')}`);
      }
      before = after;
    }
    assert.deepEqual(failures, [], `${failures.length} of ${probes.length} probes failed`);
  });
});
