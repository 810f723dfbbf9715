import { vi } from 'vitest';

/** One request the app made, as the fake server saw it. */
export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

export type Handler = (request: Recorded) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function apiError(
  status: number,
  code: string,
  message: string,
  fields?: { path: string; message: string }[],
  headers: Record<string, string> = {},
): Response {
  return json(status, { error: { code, message, ...(fields ? { fields } : {}) } }, headers);
}

/** What a new account sees: no applications and no clusters. Tests override these routes as they need. */
const emptyWorkspace: Record<string, Handler> = {
  'GET /api/v1/deployments': () => json(200, { items: [], nextCursor: null }),
  'GET /api/v1/clusters': () => json(200, []),
};

/**
 * Replaces fetch with a fake server: `routes` maps "METHOD /path" to a handler (on top of an empty
 * workspace); anything else answers 404 so that an unexpected request shows up as a failing test
 * rather than a hang.
 */
export function mockApi(overrides: Record<string, Handler>) {
  const routes = { ...emptyWorkspace, ...overrides };
  const requests: Recorded[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://localhost');
    const headers = new Headers(init?.headers);
    const recorded: Recorded = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      authorization: headers.get('Authorization'),
    };
    requests.push(recorded);
    const handler = routes[`${recorded.method} ${recorded.path}`];
    if (!handler) return apiError(404, 'not_found', `no route for ${recorded.method} ${recorded.path}`);
    return handler(recorded);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    requests,
    /** Requests to one route, in order. */
    calls: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

export function makeUser(overrides: Partial<Record<string, unknown>> = {}) {
  return {
    id: '0b0a7b4e-8a8e-4c47-9d43-5a3c2f6b9a01',
    username: 'alice',
    email: 'alice@example.io',
    displayName: null,
    role: 'admin',
    disabled: false,
    preferences: {},
    createdAt: '2026-11-01T10:00:00Z',
    updatedAt: '2026-11-01T10:00:00Z',
    ...overrides,
  };
}
