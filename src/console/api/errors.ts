/**
 * An answer from Roster that was not a success, as the admin API renders every error:
 * `{"error":{"code","message","details"?}}` with its HTTP status. `status` 0 means Roster
 * could not be reached at all.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const inner = (value as { error: unknown }).error;
  return typeof inner === 'object' && inner !== null && typeof (inner as { code?: unknown }).code === 'string';
}

/** The ApiError for a failed answer: Roster's own error body when it sent one, else its status alone. */
function apiErrorOf(response: Response, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(response.status, body.error.code, body.error.message, body.error.details ?? {});
  return new ApiError(response.status, `http_${response.status}`, response.statusText || `Roster answered ${response.status}`);
}

interface ClientAnswer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * What every typed call goes through: the answer's data, or an ApiError thrown (so
 * react-query sees failures as failures). `client.GET(…)` stays fully typed: T is its data.
 */
export async function unwrap<T>(call: Promise<ClientAnswer<T>>): Promise<T> {
  let answer: ClientAnswer<T>;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'network_error', 'Roster could not be reached; check your connection and try again');
  }
  if (answer.error !== undefined || !answer.response.ok) throw apiErrorOf(answer.response, answer.error);
  return answer.data as T;
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}
