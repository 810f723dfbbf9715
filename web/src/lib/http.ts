// First: zod must be told not to compile parsers before any schema below (or in a module that imports
// this one) is built, wherever the bundler places the modules.
import './zodConfig';
import { z } from 'zod';
import type { ErrorBody, ErrorCode, FieldError } from '../api/types';
import { clearToken, getToken } from './token';

/** Any failure of an API call: an error answer from the server, a network failure or an unexpected body. */
export class ApiError extends Error {
  readonly status: number;
  /** The server's error code (invalid_input, conflict, rate_limited, …), or network / bad_response. */
  readonly code: ErrorCode | 'network' | 'bad_response';
  readonly fields: FieldError[];
  /** Seconds from the Retry-After header of a 429, when present. */
  readonly retryAfter: number | null;

  constructor(options: {
    status: number;
    code: ApiError['code'];
    message: string;
    fields?: FieldError[];
    retryAfter?: number | null;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields ?? [];
    this.retryAfter = options.retryAfter ?? null;
  }
}

/**
 * The server's error codes, to check answers against at run time. A `Record` over the generated
 * `ErrorCode`, so a code added to the API fails the type check until it is listed here.
 */
const errorCodes: Record<ErrorCode, true> = {
  invalid_input: true,
  malformed: true,
  unauthenticated: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  operation_in_progress: true,
  rate_limited: true,
  payload_too_large: true,
  timeout: true,
  method_not_allowed: true,
  unavailable: true,
  cluster_unreachable: true,
  internal: true,
};

const errorBodySchema = z.object({
  error: z.object({
    code: z.custom<ErrorCode>((code) => typeof code === 'string' && Object.hasOwn(errorCodes, code)),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
}) satisfies z.ZodType<ErrorBody>;

/** Fallback texts for answers that carry no error body (a proxy's 502, for example). */
const statusMessages: Record<number, string> = {
  400: 'The request was not understood.',
  401: 'Your session has ended. Please sign in again.',
  403: 'You do not have permission to do that.',
  404: 'Not found.',
  429: 'Too many requests. Please wait a moment and try again.',
  503: 'The service is unavailable right now. Please try again shortly.',
};

function statusCode(status: number): ErrorCode {
  if (status === 400) return 'malformed';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 422) return 'invalid_input';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return 'internal';
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number.parseInt(value, 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * The server writes messages as lower-case fragments ("must be at least 10 characters long") so that
 * they compose with a field name; on their own they read better as a sentence.
 */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: fall back to the status text below.
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    return new ApiError({
      status: response.status,
      code: parsed.data.error.code,
      message: sentence(parsed.data.error.message),
      fields: parsed.data.error.fields,
      retryAfter,
    });
  }
  return new ApiError({
    status: response.status,
    code: statusCode(response.status),
    message: statusMessages[response.status] ?? `The server answered ${response.status}.`,
    retryAfter,
  });
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions<T> {
  method?: Method;
  body?: unknown;
  /** The zod schema the response body must match; the result is typed by it. */
  schema: z.ZodType<T>;
  signal?: AbortSignal;
}

/**
 * Calls the KubeChart API on the same origin. Sends the session token as a bearer token, checks the
 * answer against `schema`, and turns every failure into an ApiError.
 *
 * A 401 to a request that carried a token means the session is over (expired, password changed, account
 * disabled): the token is cleared, which sends every guarded page back to the login page. A 401 to an
 * anonymous request (a wrong password at login) is only an error for the caller.
 */
export async function apiRequest<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network', message: 'Cannot reach the server. Check your connection.' });
  }

  if (!response.ok) {
    const error = await errorFromResponse(response);
    // Only clear the token this request used: a newer one (stored meanwhile) is still good.
    if (response.status === 401 && token !== null && getToken() === token) clearToken();
    throw error;
  }

  // 204 No Content (a delete): there is no body, and the schema says what "nothing" is.
  if (response.status === 204) return options.schema.parse(undefined);

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError({ status: response.status, code: 'bad_response', message: 'The server sent an unreadable answer.' });
  }
  const parsed = options.schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError({ status: response.status, code: 'bad_response', message: 'The server sent an unexpected answer.' });
  }
  return parsed.data;
}

/** A message fit to show a person for any error thrown by an API call or a query. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited' && error.retryAfter !== null) {
      return `Too many attempts. Try again in ${error.retryAfter} second${error.retryAfter === 1 ? '' : 's'}.`;
    }
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}
