import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled `roster` command and the package root (where `npm start` runs). */
export const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.js');
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Served {
  child: ChildProcess;
  port: number;
  /** The JSON log lines so far (anything else on stdout, such as npm's banner, is skipped). */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `roster serve` (or `command`, e.g. `npm start`) on a free port and waits until it
 * listens. `detached` puts it in a process group of its own, as a supervisor does.
 */
export async function serve(
  env: NodeJS.ProcessEnv,
  command: string[] = [process.execPath, cli, 'serve'],
  options: { detached?: boolean } = {},
): Promise<Served> {
  const [file, ...args] = command;
  const child = spawn(file!, args, {
    cwd: packageRoot,
    detached: options.detached ?? false,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', ...env },
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const text of complete.filter((line) => line.startsWith('{'))) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'roster listening') resolve(line.port as number);
      }
    });
    void exited.then((code) => reject(new Error(`${command.join(' ')} exited with ${code} before listening: ${stderr}`)));
  });
  return { child, port, lines, stderr: () => stderr, exited };
}

export async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Resolves with the exit code, or rejects if the process is still running after `ms`. */
export function exitsWithin(exited: Promise<number | null>, ms: number, what: string): Promise<number | null> {
  return Promise.race([
    exited,
    new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`${what} was still running after ${ms} ms`)), ms).unref()),
  ]);
}
