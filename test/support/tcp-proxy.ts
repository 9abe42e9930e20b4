import net from 'node:net';

/**
 * A TCP proxy between Roster and PostgreSQL that a test can break on purpose:
 * - `pass`: bytes flow both ways;
 * - `reset`: every open connection is reset (RST) and new ones are reset on arrival,
 *   as when PostgreSQL restarts or a firewall rejects;
 * - `blackhole`: connections are accepted and kept, but bytes are dropped both ways,
 *   as in a network partition where packets vanish and nothing answers.
 * Back in `pass`, new connections work again; a connection that lost bytes stays
 * broken (its protocol stream has a hole), as it would after a real partition.
 */
export type ProxyMode = 'pass' | 'reset' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  setMode(mode: ProxyMode): void;
  /** Connections open through the proxy right now. */
  openConnections(): number;
  close(): Promise<void>;
}

/** `databaseUrl` with its host and port replaced by a proxy's on this machine (same user, password, database). */
export function databaseUrlThrough(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => {});
    const pair = { client, upstream };
    pairs.add(pair);
    // A connection opened during a partition never reached the server: its bytes are dropped for good.
    let holed = mode === 'blackhole';
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (mode !== 'pass') holed = true;
        if (!holed && !to.destroyed) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    urlFor: (databaseUrl) => databaseUrlThrough(databaseUrl, port),
    setMode(next) {
      mode = next;
      if (next !== 'reset') return;
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    openConnections: () => pairs.size,
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
