import type { ApiError } from '../api/errors';

export interface PlainError {
  title: string;
  text: string;
  /** The error's numbers and names (`limit: 10`), shown as they came. */
  facts: Array<[string, string]>;
}

const count = (value: unknown) => (typeof value === 'number' ? String(value) : '?');

/**
 * Every API error in words a person reads, with its numbers: the server's own message
 * stays the authority (the console adds no rule), the title says what kind of failure it is.
 */
export function plainWords(error: ApiError): PlainError {
  const details = error.details;
  const plain = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
  // A list of objects (`invalid_request`'s problems) is already in the message; it would show as "[object Object]".
  const facts = Object.entries(details)
    .filter(([, value]) => plain(value) || (Array.isArray(value) && value.every(plain)))
    .map(([key, value]): [string, string] => [key, Array.isArray(value) ? value.join(', ') : String(value)]);
  switch (error.code) {
    case 'no_seats_available':
      return {
        title: typeof details.product === 'string' ? `No ${details.product} seats left` : 'No seats left',
        text: `${count(details.assigned)} of ${count(details.limit)} seats are assigned; ${count(details.available)} available. Free a seat or raise the limit first.`,
        facts,
      };
    case 'seat_limit_below_assigned':
      return {
        title: typeof details.product === 'string' ? `More ${details.product} seats are assigned than that` : 'More seats are assigned than that',
        text: error.message,
        facts,
      };
    case 'last_admin':
      return { title: 'The last Admin cannot go', text: error.message, facts };
    case 'rate_limited':
      return { title: 'Too many attempts', text: `Wait ${count(details.retryAfterSeconds)} seconds, then try again.`, facts };
    case 'network_error':
      return { title: 'Roster could not be reached', text: error.message, facts };
  }
  switch (error.status) {
    case 403:
      return { title: 'Not allowed', text: error.message, facts };
    case 404:
      return { title: 'Not found', text: error.message, facts };
    case 503:
      return { title: 'Roster is unavailable for a moment', text: `${error.message} Try again in a few seconds.`, facts };
    default:
      return { title: error.status >= 500 ? 'Something went wrong on Roster’s side' : 'That did not work', text: error.message, facts };
  }
}
