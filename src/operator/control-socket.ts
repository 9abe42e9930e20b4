import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { DomainError, type ErrorKind } from '../errors.js';
import { runOperatorCommand, UsageError, type CommandContext, type CommandOptions } from './commands.js';

/**
 * The embedded database is one process's (see `db/embedded-lock.ts`), so while
 * `roster serve` runs on it, `roster` commands are sent to the server and run
 * there by the same command code, on the server's own connection. They travel
 * over a Unix domain socket in the data folder, created with mode 0600: only
 * the OS user who owns the database files (and root) can connect, and nothing
 * listens on the network. One request per connection, one JSON line each way.
 */

const controlSocketName = 'roster.sock';

/** Unix socket paths are limited to about 108 bytes (sun_path); past that there is no socket. */
const maxSocketPathBytes = 100;
const maxRequestBytes = 64 * 1024;
const replyTimeoutMs = 60_000;

interface CommandRequest {
  command: string;
  options: CommandOptions;
}

type CommandReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { type: 'usage' | 'domain' | 'other'; message: string; kind?: ErrorKind; code?: string; details?: Record<string, unknown> } };

function controlSocketPath(embeddedDir: string): string {
  return path.join(embeddedDir, controlSocketName);
}

/**
 * Serves operator commands on `<embeddedDir>/roster.sock` until closed. Answers
 * `undefined` (and logs why) when no socket can be made there (say, the path is
 * too long for one): the server still runs, and `roster` commands are refused
 * as before.
 */
export async function listenForCommands(embeddedDir: string, context: CommandContext, logger: Logger): Promise<{ close(): Promise<void> } | undefined> {
  const socketPath = controlSocketPath(embeddedDir);
  if (Buffer.byteLength(socketPath) > maxSocketPathBytes) {
    logger.warn({ socketPath }, 'the embedded database folder is too deep for a Unix socket: roster commands cannot reach this server');
    return undefined;
  }
  // This process holds the database's lock, so a socket file left here is a dead server's.
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((connection) => answer(connection, context, logger));
  // The socket file takes its mode from the umask when it is bound (synchronously, in listen).
  const umask = process.umask(0o177);
  try {
    server.listen(socketPath);
  } finally {
    process.umask(umask);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    fs.chmodSync(socketPath, 0o600);
  } catch (error) {
    server.close();
    logger.warn({ socketPath, err: error }, 'could not serve roster commands on a local socket');
    return undefined;
  }
  logger.info({ socketPath }, 'roster commands are served on a local socket');
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}

function answer(connection: net.Socket, context: CommandContext, logger: Logger): void {
  let received = '';
  connection.setEncoding('utf8');
  connection.on('error', () => connection.destroy());
  connection.on('data', (chunk: string) => {
    received += chunk;
    if (received.length > maxRequestBytes) return void connection.destroy();
    const end = received.indexOf('\n');
    if (end < 0) return;
    connection.removeAllListeners('data');
    void reply(received.slice(0, end), context, logger).then((result) => connection.end(`${JSON.stringify(result)}\n`));
  });
}

async function reply(line: string, context: CommandContext, logger: Logger): Promise<CommandReply> {
  try {
    const request = parseRequest(line);
    // The command's name only: answers hold tokens and sign-in links.
    logger.info({ command: request.command }, 'running a roster command for a local operator');
    return { ok: true, result: await runOperatorCommand(context, request.command, request.options) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: { type: 'usage', message: error.message } };
    if (error instanceof DomainError) {
      return {
        ok: false,
        error: { type: 'domain', message: error.message, kind: error.kind, code: error.code, ...(error.details ? { details: error.details } : {}) },
      };
    }
    return { ok: false, error: { type: 'other', message: error instanceof Error ? error.message : String(error) } };
  }
}

function parseRequest(line: string): CommandRequest {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null) throw new UsageError('a command request must be a JSON object');
  const { command, options } = value as { command?: unknown; options?: unknown };
  if (typeof command !== 'string') throw new UsageError('a command request names its command');
  const checked: Record<string, string> = {};
  for (const [name, option] of Object.entries(typeof options === 'object' && options !== null ? options : {})) {
    if (typeof option !== 'string') throw new UsageError(`--${name} must be a string`);
    checked[name] = option;
  }
  return { command, options: checked };
}

/**
 * Sends one command to the server serving `embeddedDir` and answers its result,
 * throwing the error it reports as the same kind of error the command would
 * throw here. Answers `undefined` when no server answers on that folder's socket.
 */
export async function sendCommand(embeddedDir: string, command: string, options: CommandOptions): Promise<{ result: unknown } | undefined> {
  const socketPath = controlSocketPath(embeddedDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(socketPath);
  } catch {
    return undefined;
  }
  if (!stat.isSocket()) return undefined;
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`${socketPath} belongs to another user; refusing to send it commands`);
  }
  const line = await exchange(socketPath, `${JSON.stringify({ command, options })}\n`);
  if (line === undefined) return undefined;
  const reply = JSON.parse(line) as CommandReply;
  if (reply.ok) return { result: reply.result };
  const { type, message, kind, code, details } = reply.error;
  if (type === 'usage') throw new UsageError(message);
  if (type === 'domain' && kind && code) throw new DomainError(kind, code, message, details);
  throw new Error(message);
}

/** Writes the request and reads the one-line reply; `undefined` when nobody listens. */
function exchange(socketPath: string, request: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let received = '';
    let connected = false;
    const connection = net.createConnection(socketPath, () => {
      connected = true;
      connection.write(request);
    });
    connection.setEncoding('utf8');
    connection.setTimeout(replyTimeoutMs, () => connection.destroy(new Error('the server did not answer the command in time')));
    connection.on('data', (chunk: string) => (received += chunk));
    connection.on('end', () => {
      const end = received.indexOf('\n');
      if (end < 0) reject(new Error('the server closed the connection without answering'));
      else resolve(received.slice(0, end));
    });
    connection.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ECONNREFUSED' || error.code === 'ENOENT')) resolve(undefined);
      else reject(error);
    });
  });
}
