/**
 * How long Roster waits on PostgreSQL, in milliseconds (0: no limit, where allowed).
 * A partitioned network drops packets instead of refusing them, so nothing but
 * these clocks ends a wait: together they keep every request under 5 s.
 */
export interface DatabaseTimeouts {
  /** TCP connect plus PostgreSQL's start-up handshake of a new connection. */
  connectMs: number;
  /** Waiting for a pooled connection, including connecting a new one. */
  acquireMs: number;
  /** Server side (`statement_timeout`): PostgreSQL cancels a statement running longer. */
  statementMs: number;
  /** Client side: the longest wait for a statement's answer; the connection is then closed. */
  queryMs: number;
  /** Server side (`idle_in_transaction_session_timeout`): a transaction whose client went silent ends, and its locks go. */
  idleInTransactionMs: number;
  /** Idle time before TCP keepalive probes start on a connection. */
  keepAliveDelayMs: number;
}

/**
 * The defaults meet the bounds of a request (5 s) and of `/readyz` (2 s):
 * a request waits at most for a connection and then for one statement's answer.
 * The statement timeout sits below the query timeout so that PostgreSQL, when it
 * can still be reached, cancels a slow statement cleanly before the client gives up.
 */
export const defaultDatabaseTimeouts: DatabaseTimeouts = {
  connectMs: 2_000,
  acquireMs: 2_000,
  statementMs: 1_500,
  queryMs: 2_000,
  idleInTransactionMs: 5_000,
  keepAliveDelayMs: 10_000,
};
