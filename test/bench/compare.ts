import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { cli, cpuMeter, freePort, roster, waitUntilReady } from './harness.js';
import { Client, HttpClient, runPhase, type PhaseResult, type Response, type ScimClient } from './load.js';
import { startRoundTripCounter, type RoundTripCounter } from './pg-counter.js';

/**
 * `BENCH_COMPARE=1 npm run bench`: the SCIM hot path side by side on Roster and on the floor
 * (floor-server.ts: node:http + pg, one statement per request), on the same database server and
 * driven by the same client. Every phase runs BENCH_ROUNDS (3) rounds against both, the order
 * alternating (Roster first, then the floor first, …); one JSON line per round and server, then
 * one per phase and server with the medians of the rounds and the SQL round trips per request,
 * counted in a separate short pass through a PostgreSQL wire-protocol proxy (pg-counter.ts) so
 * that the timed rounds have no proxy in the way; then a Markdown table.
 * Sizes: BENCH_USERS (2000 here), BENCH_CONCURRENCY (16), BENCH_COUNT_REQUESTS (200).
 * BENCH_CLIENT=raw drives both with the raw-socket client instead of node:http.
 */

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type ServerName = 'Roster' | 'floor';
type Json = Record<string, any>;

interface Instance {
  process: ChildProcess;
  client: ScimClient;
}

interface Side {
  name: ServerName;
  timed: Instance;
  counted: Instance;
  counter: RoundTripCounter;
  meter: ReturnType<typeof cpuMeter>;
  /** User ids by round; the last round is the counting pass's own. */
  ids: string[][];
  group?: string;
}

/** One measured operation: how many per round, at what concurrency, what to send and what a right answer is. */
interface Step {
  phase: string;
  count: number;
  concurrency: number;
  operation: (side: Side, round: number) => (index: number) => Promise<Response>;
  expected: (side: Side, round: number) => (response: Response, index: number) => boolean;
  /** Checks the server's state after the step's `ops` requests (not timed); throws when it is wrong. */
  verify?: (side: Side, ops: number) => Promise<void>;
}

interface Summary {
  phase: string;
  server: ServerName;
  opsPerSecond: number;
  p50: number;
  p95: number;
  serverCpuMsPerOp: number;
  postgresCpuMsPerOp: number;
  clientCpuMsPerOp: number;
  roundTripsPerRequest: number;
  errors: number;
}

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

function parse(body: string): Json | undefined {
  try {
    return JSON.parse(body) as Json;
  } catch {
    return undefined;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 1000) / 1000;
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.split('\n').includes(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the floor server exited (${code}) before it was ready`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function compare(): Promise<void> {
  const users = Number(process.env.BENCH_USERS ?? 2_000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const countRequests = Number(process.env.BENCH_COUNT_REQUESTS ?? 200);
  const clientKind = process.env.BENCH_CLIENT === 'raw' ? 'raw' : 'node:http';
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const newClient = (port: number, token: string): ScimClient =>
    clientKind === 'raw' ? new Client(port, token, concurrency) : new HttpClient(port, token, concurrency);

  const name = `roster_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const database = databaseUrl.toString();
  const postgres = { host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) };
  const children: ChildProcess[] = [];
  const counters: RoundTripCounter[] = [];
  const sides: Side[] = [];
  const inBench = knexFactory({ client: 'pg', connection: database, pool: { min: 0, max: 1 } });
  try {
    const rosterEnv = (url: string, port: number) => ({
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      SCIM_RATE_LIMIT: '0',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    });
    roster(rosterEnv(database, 0), 'migrate');
    const org = roster(rosterEnv(database, 0), 'org', 'create', '--name', 'Bench Org', '--admin-email', 'admin@bench.test');
    const { token } = roster(rosterEnv(database, 0), 'scim-token', 'create', '--org', String(org.organizationId));
    const floorToken = randomBytes(24).toString('hex');

    const startRoster = async (url: string): Promise<Instance> => {
      const port = await freePort();
      const child = spawn(process.execPath, [cli, 'serve'], { env: rosterEnv(url, port), stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      await waitUntilReady(port);
      return { process: child, client: newClient(port, String(token)) };
    };
    const startFloor = async (url: string): Promise<Instance> => {
      const port = await freePort();
      const child = spawn(process.execPath, [fileURLToPath(new URL('./floor-server.js', import.meta.url))], {
        env: { ...process.env, DATABASE_URL: url, PORT: String(port), FLOOR_TOKEN: floorToken },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await waitForLine(child, 'ready');
      return { process: child, client: newClient(port, floorToken) };
    };
    const side = async (serverName: ServerName, start: (url: string) => Promise<Instance>): Promise<Side> => {
      const counter = await startRoundTripCounter(postgres);
      counters.push(counter);
      // One after the other: the floor creates its tables at start.
      const timed = await start(database);
      const counted = await start(counter.urlFor(database));
      return { name: serverName, timed, counted, counter, meter: cpuMeter(timed.process.pid!), ids: Array.from({ length: rounds + 1 }, () => []) };
    };
    sides.push(await side('Roster', startRoster), await side('floor', startFloor));

    print({
      bench: 'scim compare',
      users,
      concurrency,
      rounds,
      client: clientKind,
      countRequests,
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      postgres: ((await admin.raw('SHOW server_version')) as { rows: Array<{ server_version: string }> }).rows[0]?.server_version,
      date: new Date().toISOString(),
    });

    const summaries: Summary[] = [];
    /** Runs the steps for every round and side (order alternating), then the counting pass; prints and keeps the medians. */
    const measure = async (steps: Step[]) => {
      const results = new Map<string, Array<PhaseResult & ReturnType<Side['meter']['perOperation']>>>();
      for (let round = 0; round < rounds; round++) {
        for (const current of round % 2 === 0 ? sides : [...sides].reverse()) {
          for (const step of steps) {
            current.meter.reset();
            const result = await runPhase(step.phase, step.count, step.concurrency, step.operation(current, round), step.expected(current, round));
            const line = { ...result, ...current.meter.perOperation(result.ops) };
            print({ server: current.name, round: round + 1, ...line });
            await step.verify?.(current, result.ops);
            const key = `${step.phase}\n${current.name}`;
            results.set(key, [...(results.get(key) ?? []), line]);
          }
        }
      }
      const roundTrips = new Map<string, { perRequest: number; errors: number }>();
      for (const current of sides) {
        const counting = { ...current, timed: current.counted };
        for (const step of steps) {
          const count = Math.min(countRequests, step.count);
          // Fill the pool first, so that connecting (and what a server sends on a new connection) is not counted.
          await Promise.all(Array.from({ length: concurrency * 2 }, () => current.counted.client.send('GET', `/Users/${randomUUID()}`)));
          current.counter.reset();
          const result = await runPhase(step.phase, count, step.concurrency, step.operation(counting, rounds), step.expected(counting, rounds));
          roundTrips.set(`${step.phase}\n${current.name}`, { perRequest: Math.round((current.counter.count() / count) * 100) / 100, errors: result.errors });
          if (result.errors > 0) print({ server: current.name, countingPass: true, ...result });
          await step.verify?.(counting, result.ops);
        }
      }
      for (const step of steps) {
        for (const current of sides) {
          const key = `${step.phase}\n${current.name}`;
          const lines = results.get(key)!;
          const summary: Summary = {
            phase: step.phase,
            server: current.name,
            opsPerSecond: median(lines.map((line) => line.opsPerSecond)),
            p50: median(lines.map((line) => line.p50)),
            p95: median(lines.map((line) => line.p95)),
            serverCpuMsPerOp: median(lines.map((line) => line.serverCpuMsPerOp)),
            postgresCpuMsPerOp: median(lines.map((line) => line.postgresCpuMsPerOp)),
            clientCpuMsPerOp: median(lines.map((line) => line.clientCpuMsPerOp)),
            roundTripsPerRequest: roundTrips.get(key)!.perRequest,
            errors: lines.reduce((sum, line) => sum + line.errors, 0) + roundTrips.get(key)!.errors,
          };
          summaries.push(summary);
          print({ median: true, concurrency: step.concurrency, ...summary });
        }
      }
    };

    const half = Math.floor(users / 2);
    // The counting pass (round `rounds`) works on its own users, as many as it sends requests.
    const perRound = (round: number) => (round === rounds ? countRequests : users);
    const userName = (round: number, index: number) => `r${round}-user${index}@bench.test`;
    // A spread of indexes, the same for the request and for the check of its answer.
    const pick = (round: number, index: number) => (index * 7919) % perRound(round);
    const send = (side: Side, method: string, path: string, body?: unknown) => side.timed.client.send(method, path, body);
    const userBody = (round: number, index: number, extra: Json = {}) => ({
      schemas: [userSchema],
      userName: userName(round, index),
      externalId: `ext-${round}-${index}`,
      name: { givenName: 'Bench', familyName: `User ${index}` },
      emails: [{ value: userName(round, index), type: 'work', primary: true }],
      active: true,
      ...extra,
    });
    const isUser = (response: Response, status: number, check: (user: Json) => boolean) => {
      const user = response.status === status ? parse(response.body) : undefined;
      return (
        user !== undefined &&
        Array.isArray(user.schemas) &&
        user.schemas.includes(userSchema) &&
        typeof user.id === 'string' &&
        typeof user.meta?.version === 'string' &&
        typeof user.meta?.location === 'string' &&
        check(user)
      );
    };
    const patch = (operations: unknown[]) => ({ schemas: [patchSchema], Operations: operations });

    await measure([
      {
        phase: 'create users',
        count: users,
        concurrency,
        operation: (side, round) => async (index) => {
          const response = await send(side, 'POST', '/Users', userBody(round, index));
          if (response.status === 201) side.ids[round]![index] = (parse(response.body)?.id as string | undefined) ?? '';
          return response;
        },
        expected: (_side, round) => (response, index) => isUser(response, 201, (user) => user.userName === userName(round, index) && user.active === true),
      },
    ]);
    const lookups = Math.min(20_000, users * 2);
    await measure([
      {
        phase: 'userName lookup',
        count: lookups,
        concurrency,
        operation: (side, round) => (index) => send(side, 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName(round, pick(round, index))}"`)}`),
        expected: (_side, round) => (response, index) => {
          const list = response.status === 200 ? parse(response.body) : undefined;
          return list?.totalResults === 1 && list.Resources?.[0]?.userName === userName(round, pick(round, index));
        },
      },
    ]);
    await measure([
      {
        phase: 'GET user by id',
        count: lookups,
        concurrency,
        operation: (side, round) => (index) => send(side, 'GET', `/Users/${side.ids[round]![pick(round, index)]}`),
        expected: (side, round) => (response, index) => isUser(response, 200, (user) => user.id === side.ids[round]![pick(round, index)]),
      },
    ]);
    await measure([
      {
        phase: 'PATCH active',
        count: Math.min(10_000, users),
        concurrency,
        operation: (side, round) => (index) =>
          send(side, 'PATCH', `/Users/${side.ids[round]![index]}`, patch([{ op: 'replace', path: 'active', value: index % 2 === 1 }])),
        expected: (side, round) => (response, index) =>
          isUser(response, 200, (user) => user.id === side.ids[round]![index] && user.active === (index % 2 === 1)),
      },
    ]);
    await measure([
      {
        phase: 'PUT user',
        count: Math.min(5_000, users),
        concurrency,
        operation: (side, round) => (index) =>
          send(
            side,
            'PUT',
            `/Users/${side.ids[round]![index]}`,
            userBody(round, index, { name: { givenName: 'Bench', familyName: `Replaced ${index}` }, title: 'Engineer' }),
          ),
        expected: (side, round) => (response, index) =>
          isUser(
            response,
            200,
            (user) => user.id === side.ids[round]![index] && user.name?.familyName === `Replaced ${index}` && user.title === 'Engineer' && user.active === true,
          ),
      },
    ]);
    await measure([
      {
        phase: 'group create (one member)',
        count: Math.min(500, users),
        concurrency,
        operation: (side, round) => (index) =>
          send(side, 'POST', '/Groups', { schemas: [groupSchema], displayName: `Team ${round}-${index}`, members: [{ value: side.ids[round]![index] }] }),
        expected: (side, round) => (response, index) => {
          const group = response.status === 201 ? parse(response.body) : undefined;
          return (
            typeof group?.id === 'string' &&
            group.displayName === `Team ${round}-${index}` &&
            group.members?.length === 1 &&
            group.members[0].value === side.ids[round]![index] &&
            typeof group.meta?.version === 'string'
          );
        },
      },
    ]);

    // One group per server, grown in 100-member PATCHes (not timed) from the first half of every
    // round's users (the second half is what the DELETE phase removes); single-member changes at
    // each size, one request at a time as an IdP syncs one group. After each remove and add step
    // the group's size is checked, so a server that answers 204 and changes nothing fails.
    const pool = (side: Side) => side.ids.slice(0, rounds).flatMap((ids) => ids.slice(0, half));
    const checkpoints = [1_000, 10_000, 100_000].filter((size) => size <= users && size <= half * rounds);
    for (const current of sides) {
      const response = await send(current, 'POST', '/Groups', { schemas: [groupSchema], displayName: 'Everyone', members: [] });
      current.group = parse(response.body)?.id as string;
      if (response.status !== 201 || !current.group) throw new Error(`${current.name} did not create the group: ${response.status} ${response.body}`);
    }
    // The group's size after a step: Roster's by SCIM, the floor's (which serves no GET of a group) by SQL.
    const groupSize = async (side: Side): Promise<number> => {
      if (side.name === 'Roster') return (parse((await send(side, 'GET', `/Groups/${side.group}`)).body)?.members as unknown[] | undefined)?.length ?? -1;
      const { rows } = (await inBench.raw('SELECT count(*)::int AS n FROM floor_group_members WHERE group_id = ?', [side.group!])) as {
        rows: Array<{ n: number }>;
      };
      return rows[0]!.n;
    };
    const expectSize = async (side: Side, size: number) => {
      const members = await groupSize(side);
      if (members !== size) throw new Error(`${side.name}'s group has ${members} members, not ${size}`);
    };
    let grown = 0;
    for (const size of checkpoints) {
      for (const current of sides) {
        const members = pool(current);
        for (let start = grown; start < size; start += 100) {
          const value = members.slice(start, Math.min(size, start + 100)).map((id) => ({ value: id }));
          const response = await send(current, 'PATCH', `/Groups/${current.group}`, patch([{ op: 'add', path: 'members', value }]));
          if (response.status !== 204) throw new Error(`${current.name} did not grow the group: ${response.status} ${response.body}`);
        }
      }
      grown = size;
      const sample = (side: Side, index: number) => pool(side)[Math.floor((index * size) / 200)]!;
      await measure([
        {
          phase: `single-member remove at ${size} members`,
          count: 200,
          concurrency: 1,
          operation: (side) => (index) =>
            send(side, 'PATCH', `/Groups/${side.group}`, patch([{ op: 'remove', path: `members[value eq "${sample(side, index)}"]` }])),
          expected: () => (response) => response.status === 204 && response.body === '',
          verify: (side, ops) => expectSize(side, size - ops),
        },
        {
          phase: `single-member add at ${size} members`,
          count: 200,
          concurrency: 1,
          operation: (side) => (index) =>
            send(side, 'PATCH', `/Groups/${side.group}`, patch([{ op: 'add', path: 'members', value: [{ value: sample(side, index) }] }])),
          expected: () => (response) => response.status === 204 && response.body === '',
          verify: (side) => expectSize(side, size),
        },
      ]);
    }
    await measure([
      {
        phase: 'delete users',
        count: users - half,
        concurrency,
        operation: (side, round) => (index) => send(side, 'DELETE', `/Users/${side.ids[round]![round === rounds ? index : half + index]}`),
        expected: () => (response) => response.status === 204 && response.body === '',
      },
    ]);

    const errors = summaries.reduce((sum, summary) => sum + summary.errors, 0);
    const fixed = (value: number, digits = 2) => value.toFixed(digits);
    const lines = [
      '| phase | floor ops/s | Roster ops/s | ratio | floor p50 ms | Roster p50 ms | CPU ms/req floor / Roster | round trips floor / Roster |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const phase of [...new Set(summaries.map((summary) => summary.phase))]) {
      const floor = summaries.find((summary) => summary.phase === phase && summary.server === 'floor')!;
      const ours = summaries.find((summary) => summary.phase === phase && summary.server === 'Roster')!;
      lines.push(
        `| ${phase} | ${Math.round(floor.opsPerSecond)} | ${Math.round(ours.opsPerSecond)} | ${fixed(ours.opsPerSecond / floor.opsPerSecond)} | ${fixed(floor.p50)} | ${fixed(ours.p50)} | ` +
          `${fixed(floor.serverCpuMsPerOp, 3)} / ${fixed(ours.serverCpuMsPerOp, 3)} | ${floor.roundTripsPerRequest} / ${ours.roundTripsPerRequest} |`,
      );
    }
    print({ phase: 'summary', errors });
    process.stdout.write(`\n${lines.join('\n')}\n`);
    if (errors > 0) process.exitCode = 1;
  } finally {
    for (const current of sides) {
      current.timed.client.close();
      current.counted.client.close();
    }
    for (const child of children) await stop(child);
    for (const counter of counters) await counter.close();
    await inBench.destroy();
    if (process.env.BENCH_KEEP_DATABASE) print({ keptDatabase: name });
    else await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}
