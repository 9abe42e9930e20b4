import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What both `npm run bench` modes share: the CLI, ports, readiness and the /proc meters. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const cli = path.join(root, 'dist/src/cli.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export function roster(env: NodeJS.ProcessEnv, ...args: string[]): Record<string, any> {
  const result = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`roster ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, any>;
}

export async function waitUntilReady(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Roster did not become ready');
}

/** Samples the server's resident set size (Linux /proc) until stopped; returns the peak in MB. */
export function watchRss(child: ChildProcess): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // process gone
    }
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return Math.round(peak);
    },
  };
}

/** CPU seconds used so far by a process (Linux /proc), or by every PostgreSQL backend together. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) total += cpuSeconds(Number(entry));
    } catch {
      // gone
    }
  }
  return total;
}

/** Where the CPU went during a phase: Roster, PostgreSQL and this load generator, in ms per operation. */
export function cpuMeter(serverPid: number) {
  const read = () => ({ server: cpuSeconds(serverPid), postgres: postgresCpuSeconds(), client: process.cpuUsage() });
  let start = read();
  return {
    reset: () => (start = read()),
    perOperation: (ops: number) => {
      const end = read();
      const ms = (seconds: number) => Math.round(((seconds * 1000) / ops) * 1000) / 1000;
      const client = (end.client.user + end.client.system - start.client.user - start.client.system) / 1e6;
      return { serverCpuMsPerOp: ms(end.server - start.server), postgresCpuMsPerOp: ms(end.postgres - start.postgres), clientCpuMsPerOp: ms(client) };
    },
  };
}
