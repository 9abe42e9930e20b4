import http from 'node:http';
import pg from 'pg';

/**
 * The benchmark's floor: the SCIM operations `npm run bench` compares, served by bare node:http
 * and a pg.Pool with exactly one SQL statement per request (a named, prepared statement), on its
 * own tables in the bench database. No framework, no validation beyond what the answers need, no
 * audit events, no Organizations: as fast as Node and PostgreSQL allow, so Roster's figures can be
 * read against it. Its answers are SCIM-shaped and of realistic size, with Roster's status codes.
 *
 * Run as its own process: `node dist/test/bench/floor-server.js` with PORT, DATABASE_URL and
 * FLOOR_TOKEN (the bearer token it accepts). FLOOR_POOL_MAX sizes the pool (10, as Roster's).
 * It creates its tables when they are missing and prints `ready` on stdout once it listens.
 */

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

const schemaSql = `
  CREATE TABLE IF NOT EXISTS floor_users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_name text NOT NULL,
    external_id text,
    given_name text,
    family_name text,
    title text,
    emails jsonb NOT NULL DEFAULT '[]',
    active boolean NOT NULL DEFAULT true,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX IF NOT EXISTS floor_users_user_name ON floor_users (lower(user_name));
  CREATE TABLE IF NOT EXISTS floor_groups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    display_name text NOT NULL,
    external_id text,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS floor_group_members (
    group_id uuid NOT NULL REFERENCES floor_groups (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES floor_users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
  );
  CREATE INDEX IF NOT EXISTS floor_group_members_user ON floor_group_members (user_id);
`;

const userColumns = 'id, user_name, external_id, given_name, family_name, title, emails, active, version, created_at, updated_at';

/** Every statement the floor sends; one per request. userName is matched without case, as SCIM defines it. */
const statements = {
  createUser: `INSERT INTO floor_users (user_name, external_id, given_name, family_name, title, emails, active)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lower(user_name)) DO NOTHING RETURNING ${userColumns}`,
  userByName: `SELECT ${userColumns} FROM floor_users WHERE lower(user_name) = lower($1)`,
  userById: `SELECT ${userColumns} FROM floor_users WHERE id = $1`,
  setActive: `UPDATE floor_users SET active = $2, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${userColumns}`,
  replaceUser: `UPDATE floor_users SET user_name = $2, external_id = $3, given_name = $4, family_name = $5, title = $6, emails = $7, active = $8,
    version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${userColumns}`,
  deleteUser: `DELETE FROM floor_users WHERE id = $1`,
  createGroup: `WITH created AS (INSERT INTO floor_groups (display_name, external_id) VALUES ($1, $2) RETURNING *),
    members AS (INSERT INTO floor_group_members (group_id, user_id) SELECT created.id, unnest($3::uuid[]) FROM created)
    SELECT id, display_name, external_id, version, created_at, updated_at FROM created`,
  addMembers: `WITH touched AS (UPDATE floor_groups SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING id),
    added AS (INSERT INTO floor_group_members (group_id, user_id) SELECT touched.id, unnest($2::uuid[]) FROM touched ON CONFLICT DO NOTHING)
    SELECT id FROM touched`,
  removeMember: `WITH touched AS (UPDATE floor_groups SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING id),
    removed AS (DELETE FROM floor_group_members USING touched WHERE floor_group_members.group_id = touched.id AND floor_group_members.user_id = $2)
    SELECT id FROM touched`,
};

interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  emails: unknown[];
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

type Json = Record<string, any>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toUser(row: UserRow, base: string): Json {
  const location = `${base}/Users/${row.id}`;
  return {
    schemas: [userSchema],
    id: row.id,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    userName: row.user_name,
    name: { givenName: row.given_name, familyName: row.family_name },
    ...(row.title ? { title: row.title } : {}),
    active: row.active,
    emails: row.emails,
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location,
      version: `W/"${row.version}"`,
    },
  };
}

/** A User body's columns, in the order the create and replace statements take them. */
function userValues(body: Json): unknown[] {
  if (typeof body.userName !== 'string' || body.userName === '') throw new HttpError(400, 'userName is required');
  return [
    body.userName,
    body.externalId ?? null,
    body.name?.givenName ?? null,
    body.name?.familyName ?? null,
    body.title ?? null,
    JSON.stringify(Array.isArray(body.emails) ? body.emails : []),
    body.active ?? true,
  ];
}

function main(): void {
  const token = process.env.FLOOR_TOKEN;
  if (!token) throw new Error('FLOOR_TOKEN is required');
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.FLOOR_POOL_MAX ?? 10) });
  const expectedAuthorization = `Bearer ${token}`;
  const query = async <Row extends pg.QueryResultRow>(name: keyof typeof statements, values: unknown[]) =>
    pool.query<Row>({ name, text: statements[name], values });

  async function handle(method: string, url: URL, body: Json, base: string): Promise<{ status: number; body?: Json }> {
    const [, prefix, version, resource, id, extra] = url.pathname.split('/');
    if (prefix !== 'scim' || version !== 'v2' || extra !== undefined) throw new HttpError(404, 'not found');
    if (id !== undefined && !uuid.test(id)) throw new HttpError(404, 'not found');
    if (resource === 'Users') {
      if (id === undefined && method === 'POST') {
        const { rows } = await query<UserRow>('createUser', userValues(body));
        if (rows.length === 0) throw new HttpError(409, 'userName is taken');
        return { status: 201, body: toUser(rows[0]!, base) };
      }
      if (id === undefined && method === 'GET') {
        const match = /^userName eq "([^"]*)"$/.exec(url.searchParams.get('filter') ?? '');
        if (!match) throw new HttpError(400, 'only userName eq filters are served');
        const { rows } = await query<UserRow>('userByName', [match[1]]);
        return {
          status: 200,
          body: { schemas: [listSchema], totalResults: rows.length, startIndex: 1, itemsPerPage: rows.length, Resources: rows.map((row) => toUser(row, base)) },
        };
      }
      if (id === undefined) throw new HttpError(405, 'method not allowed');
      let rows: UserRow[];
      if (method === 'GET') rows = (await query<UserRow>('userById', [id])).rows;
      else if (method === 'PATCH') {
        const operations = Array.isArray(body.Operations) ? (body.Operations as Json[]) : [];
        const operation = operations[0];
        if (operations.length !== 1 || operation?.op !== 'replace' || operation.path !== 'active' || typeof operation.value !== 'boolean')
          throw new HttpError(400, 'only a replace of active is served');
        rows = (await query<UserRow>('setActive', [id, operation.value])).rows;
      } else if (method === 'PUT') rows = (await query<UserRow>('replaceUser', [id, ...userValues(body)])).rows;
      else if (method === 'DELETE') {
        const { rowCount } = await query('deleteUser', [id]);
        if (rowCount === 0) throw new HttpError(404, 'not found');
        return { status: 204 };
      } else throw new HttpError(405, 'method not allowed');
      if (rows.length === 0) throw new HttpError(404, 'not found');
      return { status: 200, body: toUser(rows[0]!, base) };
    }
    if (resource === 'Groups') {
      if (id === undefined && method === 'POST') {
        if (typeof body.displayName !== 'string' || body.displayName === '') throw new HttpError(400, 'displayName is required');
        const members = Array.isArray(body.members) ? (body.members as Json[]).map((member) => String(member.value)) : [];
        const { rows } = await query<{ id: string; display_name: string; external_id: string | null; version: number; created_at: Date; updated_at: Date }>(
          'createGroup',
          [body.displayName, body.externalId ?? null, members],
        );
        const row = rows[0]!;
        return {
          status: 201,
          body: {
            schemas: [groupSchema],
            id: row.id,
            ...(row.external_id ? { externalId: row.external_id } : {}),
            displayName: row.display_name,
            members: members.map((value) => ({ value, $ref: `${base}/Users/${value}`, type: 'User' })),
            meta: {
              resourceType: 'Group',
              created: row.created_at.toISOString(),
              lastModified: row.updated_at.toISOString(),
              location: `${base}/Groups/${row.id}`,
              version: `W/"${row.version}"`,
            },
          },
        };
      }
      if (id !== undefined && method === 'PATCH') {
        const operations = Array.isArray(body.Operations) ? (body.Operations as Json[]) : [];
        const operation = operations[0];
        if (operations.length !== 1 || !operation) throw new HttpError(400, 'one operation is served');
        let touched: unknown[];
        if (operation.op === 'add' && operation.path === 'members' && Array.isArray(operation.value)) {
          const values = (operation.value as Json[]).map((member) => String(member.value));
          if (!values.every((value) => uuid.test(value))) throw new HttpError(400, 'members are User ids');
          touched = (await query('addMembers', [id, values])).rows;
        } else {
          const match = operation.op === 'remove' ? /^members\[value eq "([^"]*)"\]$/.exec(String(operation.path)) : null;
          if (!match || !uuid.test(match[1]!)) throw new HttpError(400, 'only members add and members[value eq "…"] remove are served');
          touched = (await query('removeMember', [id, match[1]])).rows;
        }
        if (touched.length === 0) throw new HttpError(404, 'not found');
        return { status: 204 };
      }
    }
    throw new HttpError(404, 'not found');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body?: Json) => {
        if (body === undefined) {
          res.writeHead(status).end();
          return;
        }
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/scim+json', 'Content-Length': Buffer.byteLength(text) }).end(text);
      };
      const fail = (status: number, detail: string) => send(status, { schemas: [errorSchema], status: String(status), detail });
      if (req.headers.authorization !== expectedAuthorization) {
        fail(401, 'a valid bearer token is required');
        return;
      }
      let body: Json = {};
      try {
        if (chunks.length > 0) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      } catch {
        fail(400, 'the body is not JSON');
        return;
      }
      const host = req.headers.host ?? '127.0.0.1';
      handle(req.method ?? 'GET', new URL(req.url ?? '/', `http://${host}`), body, `http://${host}/scim/v2`).then(
        (answer) => send(answer.status, answer.body),
        (error: unknown) => {
          if (error instanceof HttpError) fail(error.status, error.message);
          else if (error instanceof pg.DatabaseError && error.code === '23503') fail(400, 'a member is not a User');
          else fail(500, String(error));
        },
      );
    });
  });
  // As Roster keeps idle keep-alive connections.
  server.keepAliveTimeout = 60_000;

  pool
    .query(schemaSql)
    .then(() => new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve)))
    .then(() => process.stdout.write('ready\n'))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void pool.end();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
