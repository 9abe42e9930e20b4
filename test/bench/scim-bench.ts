import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import knexFactory from 'knex';
import { compare } from './compare.js';
import { cli, cpuMeter, freePort, roster, waitUntilReady, watchRss } from './harness.js';
import { Client, runPhase, type PhaseResult, type Response } from './load.js';

/**
 * `npm run bench`: starts Roster on PostgreSQL, seeds an Organization, and
 * drives an IdP-sync workload over HTTP, printing one JSON line per phase and
 * the server's peak RSS. Sizes: BENCH_USERS (100000), BENCH_CONCURRENCY (16).
 * The database is a fresh one on BENCH_DATABASE_URL / DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end.
 * BENCH_COMPARE=1 runs the side-by-side comparison with the floor instead (compare.ts).
 */

const users = Number(process.env.BENCH_USERS ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const ok = (status: number) => (response: Response) => response.status === status;
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const name = `roster_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    PORT: String(port),
    SCIM_RATE_LIMIT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
  let server: ChildProcess | undefined;
  let client: Client | undefined;
  try {
    roster(env, 'migrate');
    const org = roster(env, 'org', 'create', '--name', 'Bench Org', '--admin-email', 'admin@bench.test');
    const organizationId = String(org.organizationId);
    const { token } = roster(env, 'scim-token', 'create', '--org', organizationId);
    server = spawn(
      process.execPath,
      [...(process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_SERVER_PROFILE] : []), cli, 'serve'],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const rss = watchRss(server);
    await waitUntilReady(port);
    client = new Client(port, String(token), concurrency);
    const scim = client;
    print({ bench: 'scim', users, concurrency, node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, date: new Date().toISOString() });
    const results: PhaseResult[] = [];
    const cpu = cpuMeter(server.pid!);
    const report = (result: PhaseResult) => {
      results.push(result);
      print({ ...result, ...cpu.perOperation(result.ops) });
      cpu.reset();
    };

    const ids: string[] = new Array(users);
    const userName = (index: number) => `user${index}@bench.test`;
    report(
      await runPhase(
        'create users',
        users,
        concurrency,
        async (index) => {
          const response = await scim.send('POST', '/Users', {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: userName(index),
            externalId: `ext-${index}`,
            name: { givenName: 'Bench', familyName: `User ${index}` },
            emails: [{ value: userName(index), type: 'work', primary: true }],
            active: true,
          });
          if (response.status === 201) ids[index] = (JSON.parse(response.body) as { id: string }).id;
          return response;
        },
        ok(201),
      ),
    );
    const random = () => Math.floor(Math.random() * users);
    const lookups = Math.min(20_000, users * 2);
    report(
      await runPhase(
        'userName lookup',
        lookups,
        concurrency,
        () => scim.send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName(random())}"`)}`),
        (r) => r.status === 200 && r.body.includes('"totalResults":1'),
      ),
    );
    report(await runPhase('GET user by id', lookups, concurrency, () => scim.send('GET', `/Users/${ids[random()]}`), ok(200)));

    // Paging through everyone the way Okta imports: count=100, startIndex 1, 101, 201, …
    const pages = Math.ceil((users + 1) / 100);
    const pageTimes: number[] = [];
    const paging = await runPhase(
      'list all users, startIndex paging (count=100)',
      pages,
      1,
      async (index) => {
        const begin = Date.now();
        const response = await scim.send('GET', `/Users?startIndex=${index * 100 + 1}&count=100`);
        pageTimes.push(Date.now() - begin);
        return response;
      },
      (r) => r.status === 200 && r.body.includes('"itemsPerPage":'),
    );
    report(paging);
    print({
      phase: 'startIndex paging: first vs last page (ms)',
      firstPage: pageTimes[0],
      lastPage: pageTimes.at(-1),
      firstTenAverage: average(pageTimes.slice(0, 10)),
      lastTenAverage: average(pageTimes.slice(-10)),
    });
    let cursor = '';
    const cursorTimes: number[] = [];
    report(
      await runPhase(
        'list all users, cursor paging (count=100)',
        pages,
        1,
        async () => {
          const begin = Date.now();
          const response = await scim.send('GET', `/Users?count=100&cursor=${encodeURIComponent(cursor)}`);
          cursorTimes.push(Date.now() - begin);
          cursor = (JSON.parse(response.body) as { nextCursor?: string }).nextCursor ?? '';
          return response;
        },
        ok(200),
      ),
    );
    print({
      phase: 'cursor paging: first vs last page (ms)',
      firstTenAverage: average(cursorTimes.slice(0, 10)),
      lastTenAverage: average(cursorTimes.slice(-10)),
    });

    const patches = Math.min(10_000, users);
    report(
      await runPhase(
        'PATCH active',
        patches,
        concurrency,
        (index) =>
          scim.send('PATCH', `/Users/${ids[index]}`, {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'replace', path: 'active', value: index % 2 === 0 ? false : true }],
          }),
        ok(200),
      ),
    );
    // PUT replaces users 1, 2, …: at most users - 1 of them (with BENCH_USERS ≤ 5000 the last one was undefined).
    report(
      await runPhase(
        'PUT user',
        Math.min(5_000, users - 1),
        concurrency,
        (index) =>
          scim.send('PUT', `/Users/${ids[index + 1]}`, {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            userName: userName(index + 1),
            externalId: `ext-${index + 1}`,
            name: { givenName: 'Bench', familyName: `Replaced ${index + 1}` },
            emails: [{ value: userName(index + 1), type: 'work', primary: true }],
            title: 'Engineer',
            active: true,
          }),
        ok(200),
      ),
    );

    // One group grown to every user in 100-member PATCHes. Changes to one group apply one after
    // another (the group row is locked), so this runs as an IdP syncs one group: one request at a time.
    const group = JSON.parse(
      (await scim.send('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone', members: [] })).body,
    ) as { id: string };
    const patch = (operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
    const singleMember = async (size: number) => {
      // Remove then re-add members already in the group: single-member changes at this size.
      const sample = Array.from({ length: 200 }, (_, index) => ids[Math.floor((index * size) / 200)]!);
      report(
        await runPhase(
          `single-member remove at ${size} members`,
          sample.length,
          1,
          (index) => scim.send('PATCH', `/Groups/${group.id}`, patch([{ op: 'remove', path: `members[value eq "${sample[index]}"]` }])),
          ok(204),
        ),
      );
      report(
        await runPhase(
          `single-member add at ${size} members`,
          sample.length,
          1,
          (index) => scim.send('PATCH', `/Groups/${group.id}`, patch([{ op: 'add', path: 'members', value: [{ value: sample[index] }] }])),
          ok(204),
        ),
      );
    };
    const checkpoints = [1_000, 10_000, 100_000].filter((size) => size <= users);
    let grown = 0;
    const growth: PhaseResult[] = [];
    for (const checkpoint of checkpoints) {
      const batches = (checkpoint - grown) / 100;
      const start = grown;
      growth.push(
        await runPhase(
          `100-member add PATCH (group ${start}→${checkpoint})`,
          batches,
          1,
          (index) =>
            scim.send(
              'PATCH',
              `/Groups/${group.id}`,
              patch([{ op: 'add', path: 'members', value: ids.slice(start + index * 100, start + index * 100 + 100).map((value) => ({ value })) }]),
            ),
          ok(204),
        ),
      );
      report(growth.at(-1)!);
      grown = checkpoint;
      await singleMember(checkpoint);
    }

    for (let index = 0; index < 200; index++) {
      await scim.send('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: `Team ${index}`,
        members: [{ value: ids[index] }],
      });
    }
    report(
      await runPhase(
        'group list, members excluded (count=100)',
        2_000,
        concurrency,
        () => scim.send('GET', '/Groups?excludedAttributes=members&count=100'),
        ok(200),
      ),
    );
    report(await runPhase('delete users', Math.min(10_000, users), concurrency, (index) => scim.send('DELETE', `/Users/${ids[users - 1 - index]}`), ok(204)));

    const peak = rss.stop();
    print({ phase: 'server peak RSS', megabytes: peak });
    const errors = results.reduce((sum, result) => sum + result.errors, 0);
    print({ phase: 'summary', errors, pagingSeconds: paging.seconds });
    if (errors > 0) process.exitCode = 1;
  } finally {
    client?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    if (process.env.BENCH_KEEP_DATABASE) print({ keptDatabase: name });
    else await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 100) / 100;
}

(process.env.BENCH_COMPARE ? compare() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
