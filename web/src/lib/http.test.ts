import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { safeNextPath, loginPathFor } from './auth/redirect';
import { ApiError, apiRequest, errorMessage, sentence } from './http';
import { getToken, setToken } from './token';

const ok = z.object({ ok: z.boolean() });

function respondWith(response: Response | Error) {
  const fetchMock = vi.fn(async () => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

afterEach(() => vi.unstubAllGlobals());

describe('apiRequest', () => {
  it('parses the body with the schema', async () => {
    respondWith(new Response('{"ok":true}', { status: 200 }));
    await expect(apiRequest('/x', { schema: ok })).resolves.toEqual({ ok: true });
  });

  it('rejects a body that does not match the schema', async () => {
    respondWith(new Response('{"ok":"yes"}', { status: 200 }));
    const error = await failure(apiRequest('/x', { schema: ok }));
    expect(error.code).toBe('bad_response');
  });

  it('reads the error body, its fields and Retry-After', async () => {
    respondWith(
      new Response(
        JSON.stringify({
          error: { code: 'rate_limited', message: 'too many attempts, try again later', fields: [] },
        }),
        { status: 429, headers: { 'Retry-After': '7' } },
      ),
    );
    const error = await failure(apiRequest('/x', { schema: ok }));
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 7 });
    expect(errorMessage(error)).toBe('Too many attempts. Try again in 7 seconds.');
  });

  it('takes a code outside the published set for the status code', async () => {
    respondWith(
      new Response(JSON.stringify({ error: { code: 'something_new', message: 'new' } }), { status: 413 }),
    );
    const error = await failure(apiRequest('/x', { schema: ok }));
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('falls back to a status message when the error body is not JSON', async () => {
    respondWith(new Response('<html>Bad Gateway</html>', { status: 503 }));
    const error = await failure(apiRequest('/x', { schema: ok }));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/unavailable/);
  });

  it('reports a network failure as such', async () => {
    respondWith(new TypeError('Failed to fetch'));
    const error = await failure(apiRequest('/x', { schema: ok }));
    expect(error.code).toBe('network');
  });

  it('sends JSON with the bearer token', async () => {
    setToken('t1');
    const fetchMock = respondWith(new Response('{"ok":true}', { status: 200 }));
    await apiRequest('/x', { method: 'PATCH', body: { a: 1 }, schema: ok });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.method).toBe('PATCH');
    expect(init.body).toBe('{"a":1}');
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer t1');
    expect(new Headers(init.headers).get('Content-Type')).toBe('application/json');
  });

  it('clears the token on a 401 to a request that carried it', async () => {
    setToken('t1');
    respondWith(new Response('{"error":{"code":"unauthenticated","message":"no"}}', { status: 401 }));
    await failure(apiRequest('/x', { schema: ok }));
    expect(getToken()).toBeNull();
  });

  it('keeps a token that was replaced while the request was in flight', async () => {
    setToken('old');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        setToken('new');
        return new Response('{"error":{"code":"unauthenticated","message":"no"}}', { status: 401 });
      }),
    );
    await failure(apiRequest('/x', { schema: ok }));
    expect(getToken()).toBe('new');
  });
});

describe('messages and redirects', () => {
  it('turns server fragments into sentences', () => {
    expect(sentence('must be at least 10 characters long')).toBe('Must be at least 10 characters long.');
    expect(sentence('Done!')).toBe('Done!');
  });

  it('keeps the intended path in the login URL', () => {
    expect(loginPathFor({ pathname: '/users', search: '?q=a', hash: '' })).toBe('/login?next=%2Fusers%3Fq%3Da');
    expect(loginPathFor({ pathname: '/', search: '', hash: '' })).toBe('/login');
  });

  it('only follows next paths on this site', () => {
    expect(safeNextPath('?next=%2Fprofile')).toBe('/profile');
    expect(safeNextPath('?next=https%3A%2F%2Fevil.example')).toBe('/');
    expect(safeNextPath('?next=%2F%2Fevil.example')).toBe('/');
    expect(safeNextPath('?next=%2F%5Cevil.example')).toBe('/');
    expect(safeNextPath('?next=%2Flogout')).toBe('/');
    expect(safeNextPath('')).toBe('/');
  });
});
