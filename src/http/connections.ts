import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';

/**
 * The server's connections and the requests in flight on each, for a graceful close
 * (RFC 9112 §9.6): a request the server has received is answered, whichever connection it
 * came on, and no connection is reset under a request.
 */
export interface ConnectionTracker {
  /** Wraps the application: counts requests per connection and, once closing, answers with `Connection: close`. */
  listener(app: RequestListener): RequestListener;
  /**
   * Stops accepting connections; answers requests in flight and any that arrive within
   * `graceMs` on open connections, each with `Connection: close`; half-closes the idle ones
   * after that; resolves 'drained' once every connection has closed, or 'timeout' after
   * `timeoutMs` (having then closed the rest).
   */
  close(graceMs: number, timeoutMs: number): Promise<'drained' | 'timeout'>;
}

export function trackConnections(server: Server): ConnectionTracker {
  const inFlight = new Map<Socket, number>();
  const unanswered = new Set<ServerResponse>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });

  // A connection with nothing in flight is closed from our side first (FIN), so a client
  // sees the close before it sends another request there and opens a new connection instead.
  const endIfIdle = (socket: Socket) => {
    if (closing && inFlight.get(socket) === 0 && !socket.writableEnded) socket.end();
  };

  const listener =
    (app: RequestListener): RequestListener =>
    (req: IncomingMessage, res: ServerResponse) => {
      const socket = req.socket;
      if (socket.writableEnded) {
        // Arrived after we closed our side: it cannot be answered, so it must not run.
        socket.destroy();
        return;
      }
      inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
      // RFC 9112 §9.6: a server that is about to close says so in the response.
      if (closing) res.setHeader('Connection', 'close');
      unanswered.add(res);
      res.once('close', () => {
        unanswered.delete(res);
        if (inFlight.has(socket)) inFlight.set(socket, Math.max(0, (inFlight.get(socket) ?? 1) - 1));
        endIfIdle(socket);
      });
      app(req, res);
    };

  const close = (graceMs: number, timeoutMs: number) =>
    new Promise<'drained' | 'timeout'>((resolve) => {
      closing = true;
      // net's close, not http's: http.Server#close also destroys every connection it deems
      // idle at once, and a request whose bytes have arrived but are not read yet dies with it.
      net.Server.prototype.close.call(server, () => {
        clearTimeout(grace);
        clearTimeout(deadline);
        resolve('drained');
      });
      for (const response of unanswered) if (!response.headersSent) response.setHeader('Connection', 'close');
      const grace = setTimeout(() => {
        for (const socket of inFlight.keys()) endIfIdle(socket);
      }, graceMs);
      const deadline = setTimeout(() => {
        clearTimeout(grace);
        server.closeAllConnections();
        for (const socket of inFlight.keys()) socket.destroy();
        resolve('timeout');
      }, timeoutMs);
    });

  return { listener, close };
}
