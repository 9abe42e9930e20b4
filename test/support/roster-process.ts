import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `roster` run as an operator runs it: a separate Node process on the built CLI. */
export const cliPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runRoster(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export interface ServingRoster {
  child: ChildProcess;
  port: number;
  /** Every line the server logged so far, as written. */
  output: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `roster serve` on a free port and waits until it listens. */
export async function startRosterServe(env: NodeJS.ProcessEnv): Promise<ServingRoster> {
  const child = spawn(process.execPath, [cliPath, 'serve'], { env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env } });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const text of complete.filter(Boolean)) {
        output.push(text);
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.msg === 'roster listening') resolve(line.port as number);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) => reject(new Error(`roster serve exited with ${code} before listening: ${output.join('\n')}`)));
  });
  return {
    child,
    port,
    output,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
