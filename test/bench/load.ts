import http from 'node:http';
import net from 'node:net';

/** Keep-alive HTTP clients and a fixed-concurrency runner for the SCIM benchmark. */

export interface Response {
  status: number;
  body: string;
}

/** What the phases need of a client: a SCIM request under /scim/v2 with the bearer token. */
export interface ScimClient {
  send(method: string, path: string, body?: unknown): Promise<Response>;
  close(): void;
}

/**
 * A minimal HTTP/1.1 client over keep-alive sockets, one request in flight per
 * socket. Much cheaper per request than node:http, so on a small machine the
 * load generator leaves the CPU to Roster and PostgreSQL. Roster always sends
 * Content-Length (or no body: 204, 304).
 */
class Connection {
  private buffer: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  private waiting: { resolve: (response: Response) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.tryComplete();
    });
    socket.on('error', (error) => this.waiting?.reject(error));
    // The server closes keep-alive connections left idle; such a connection is not reused.
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.reject(new Error('connection closed'));
    });
  }

  closed = false;

  send(request: string, body: Buffer | undefined): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(body ? Buffer.concat([Buffer.from(request), body]) : request);
    });
  }

  private tryComplete(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve({ status, body });
  }

  close(): void {
    this.socket.destroy();
  }
}

export class Client implements ScimClient {
  private readonly idle: Connection[] = [];
  private readonly all: Connection[] = [];

  constructor(
    private readonly port: number,
    private readonly token: string,
    _concurrency: number,
  ) {}

  private async connection(): Promise<Connection> {
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) if (!idle.closed) return idle;
    const socket = net.connect(this.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new Connection(socket);
    this.all.push(connection);
    return connection;
  }

  async send(method: string, path: string, body?: unknown): Promise<Response> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const head =
      `${method} /scim/v2${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\nAuthorization: Bearer ${this.token}\r\nAccept: application/scim+json\r\n` +
      (payload ? `Content-Type: application/scim+json\r\nContent-Length: ${payload.length}\r\n` : '') +
      '\r\n';
    const connection = await this.connection();
    const response = await connection.send(head, payload);
    this.idle.push(connection);
    return response;
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}

/**
 * The same interface over node:http with a keep-alive Agent (maxSockets = concurrency): the client
 * an IdP or any peer written for Node would use. It costs the load generator more CPU per request
 * than `Client`, the same for every server it drives.
 */
export class HttpClient implements ScimClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    private readonly token: string,
    concurrency: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  send(method: string, path: string, body?: unknown): Promise<Response> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { Authorization: `Bearer ${this.token}`, Accept: 'application/scim+json' };
    if (payload) Object.assign(headers, { 'Content-Type': 'application/scim+json', 'Content-Length': payload.length });
    return new Promise((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port: this.port, method, path: `/scim/v2${path}`, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.setNoDelay(true);
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface PhaseResult {
  phase: string;
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  concurrency: number;
  firstError?: string;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Runs `count` operations with `concurrency` in flight; each operation returns
 * whether it succeeded. Latency is measured per operation, in milliseconds.
 */
export async function runPhase(
  phase: string,
  count: number,
  concurrency: number,
  operation: (index: number) => Promise<Response>,
  expected: (response: Response, index: number) => boolean,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++;
      const begin = process.hrtime.bigint();
      try {
        const response = await operation(index);
        if (!expected(response, index)) {
          errors++;
          firstError ??= `${response.status} ${response.body.slice(0, 300)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    phase,
    ops: count,
    errors,
    seconds: round(seconds),
    opsPerSecond: round(count / seconds),
    p50: round(percentile(latencies, 0.5)),
    p95: round(percentile(latencies, 0.95)),
    p99: round(percentile(latencies, 0.99)),
    max: round(latencies.at(-1) ?? 0),
    concurrency,
    ...(firstError ? { firstError } : {}),
  };
}
