import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** One answered request, with how long it took. */
export interface Answer {
  method: string;
  path: string;
  requestId: string;
  status: number;
  ms: number;
  retryAfter: string | null;
  contentType: string;
  body: unknown;
}

export interface Listening {
  base: string;
  /** Sends a request with the given request id (so its audit events can be found) and times it. */
  call(method: string, path: string, options?: { requestId?: string; token?: string; json?: unknown; contentType?: string }): Promise<Answer>;
  close(): Promise<void>;
}

let sequence = 0;

/** The app on a real port: timing matters here, and fetch keeps its own connections. */
export async function listen(app: Express): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    async call(method, path, { requestId = `call-${++sequence}`, token, json, contentType = 'application/json' } = {}) {
      const headers: Record<string, string> = { 'X-Request-Id': requestId };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (json !== undefined) headers['Content-Type'] = contentType;
      const started = performance.now();
      // A generous client-side limit, far above the bound under test: a hung request fails the test, not mocha.
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: kept as text, which the checks will refuse.
      }
      return {
        method,
        path,
        requestId,
        status: response.status,
        ms,
        retryAfter: response.headers.get('retry-after'),
        contentType: response.headers.get('content-type') ?? '',
        body,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
