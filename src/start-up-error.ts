/**
 * A reason Roster cannot start that the operator can fix (a port in use, PostgreSQL out of
 * reach): its message is the one line `roster` prints, naming what to set. No stack trace.
 */
export class StartUpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartUpError';
  }
}
