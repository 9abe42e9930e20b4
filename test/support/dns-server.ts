import { createSocket, type RemoteInfo } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

/**
 * A small authoritative DNS server on 127.0.0.1 for the domain verification
 * tests: real UDP, real packets, no internet. It answers TXT queries from its
 * table, NXDOMAIN for names it does not know, and stays silent for names it is
 * told to drop, so a resolver's timeout can be tested.
 */
export interface TestDnsServer {
  port: number;
  /** What `createTxtLookup` takes: `['127.0.0.1:<port>']`. */
  servers: string[];
  /** Sets the TXT records of `name`: each string one record, or each array one record of several chunks. */
  setTxt(name: string, values: string[] | string[][]): void;
  /** Forgets `name`: it answers NXDOMAIN again. */
  remove(name: string): void;
  /** Answers nothing at all for `name`, as a dead or filtered server would. */
  drop(name: string): void;
  /** How many queries reached the server (also the dropped ones). */
  queryCount(): number;
  close(): Promise<void>;
}

// RFC 1035 §4.1.1: RCODE 3, the name does not exist.
const nxdomain = 3;

function key(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** On `requestedPort` of 127.0.0.1 (0: a free one). */
export async function startDnsServer(requestedPort = 0): Promise<TestDnsServer> {
  const records = new Map<string, string[][]>();
  const dropped = new Set<string>();
  let queries = 0;
  const socket = createSocket('udp4');

  function answer(query: dnsPacket.DecodedPacket): Buffer | undefined {
    const question = query.questions?.[0];
    if (!question) return undefined;
    const name = key(question.name);
    if (dropped.has(name)) return undefined;
    const txt = records.get(name);
    const response: dnsPacket.Packet = {
      type: 'response',
      id: query.id,
      // The RD bit is echoed (RFC 1035 §4.1.1); the low four bits carry the RCODE.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) | (txt ? 0 : nxdomain),
      questions: [question],
      answers:
        txt && question.type === 'TXT' ? txt.map((chunks) => ({ type: 'TXT' as const, class: 'IN' as const, name: question.name, ttl: 0, data: chunks })) : [],
    };
    return dnsPacket.encode(response);
  }

  socket.on('message', (message: Buffer, from: RemoteInfo) => {
    queries += 1;
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const response = answer(query);
    if (response) socket.send(response, from.port, from.address);
  });

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(requestedPort, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const { port } = socket.address();

  return {
    port,
    servers: [`127.0.0.1:${port}`],
    setTxt(name, values) {
      dropped.delete(key(name));
      records.set(
        key(name),
        values.map((value) => (typeof value === 'string' ? [value] : value)),
      );
    },
    remove(name) {
      records.delete(key(name));
      dropped.delete(key(name));
    },
    drop(name) {
      dropped.add(key(name));
    },
    queryCount: () => queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
