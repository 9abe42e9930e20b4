import net from 'node:net';
import { databaseUrlThrough } from '../support/tcp-proxy.js';

/**
 * A TCP proxy between a server under benchmark and PostgreSQL that counts the SQL round trips the
 * server makes. It reads the frontend side of the PostgreSQL wire protocol: a startup packet
 * (4-byte length, then the protocol version; an SSLRequest or GSSENCRequest is answered by the
 * server and is followed by the real startup packet), then messages of a 1-byte type and a 4-byte
 * length. Each Sync ('S', the end of one extended-protocol exchange: Parse/Bind/Execute…) and each
 * simple Query ('Q') is one round trip: the client waits for PostgreSQL's answer after it. Bytes
 * are forwarded untouched both ways.
 */
export interface RoundTripCounter {
  port: number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
  /** Round trips since the last reset. */
  count(): number;
  reset(): void;
  close(): Promise<void>;
}

const sslRequest = 80877103;
const gssEncRequest = 80877104;

export async function startRoundTripCounter(target: { host: string; port: number }): Promise<RoundTripCounter> {
  let roundTrips = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    let pending: Buffer = Buffer.alloc(0);
    let startup = true;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        if (startup) {
          if (pending.length - offset < 8) break;
          const length = pending.readInt32BE(offset);
          if (pending.length - offset < length) break;
          const code = pending.readInt32BE(offset + 4);
          offset += length;
          if (code !== sslRequest && code !== gssEncRequest) startup = false;
          continue;
        }
        if (pending.length - offset < 5) break;
        const type = pending[offset]!;
        const length = pending.readInt32BE(offset + 1);
        if (pending.length - offset < 1 + length) break;
        if (type === 0x53 /* S */ || type === 0x51 /* Q */) roundTrips++;
        offset += 1 + length;
      }
      pending = pending.subarray(offset);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    urlFor: (databaseUrl) => databaseUrlThrough(databaseUrl, port),
    count: () => roundTrips,
    reset: () => {
      roundTrips = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
