import { execFile, type ChildProcess } from 'node:child_process';
import { cli, serve } from './served.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `roster` run as an operator runs it: a separate Node process on the built CLI. */
export function runRoster(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export interface ServingRoster {
  child: ChildProcess;
  port: number;
  /** Every line the server wrote so far (its JSON log lines, then stderr). */
  readonly output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `roster serve` on a free port and waits until it listens. */
export async function startRosterServe(env: NodeJS.ProcessEnv): Promise<ServingRoster> {
  const served = await serve(env);
  return {
    child: served.child,
    port: served.port,
    get output() {
      return [...served.lines.map((line) => JSON.stringify(line)), served.stderr()];
    },
    stop: () => {
      served.child.kill('SIGTERM');
      return served.exited;
    },
  };
}
