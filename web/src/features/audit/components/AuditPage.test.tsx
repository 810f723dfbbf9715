import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { setToken } from '../../../lib/token';
import { apiError, json, makeUser, mockApi, type Handler } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

const admin = makeUser();
const member = makeUser({ id: '6f1c1d2e-0000-4000-8000-000000000002', username: 'bob', role: 'member' });
const shopId = 'd0000000-0000-4000-8000-000000000007';

function event(overrides: Record<string, unknown>) {
  return {
    id: '7d0c0000-0000-4000-8000-000000000001',
    actor: { id: admin.id, username: 'alice' },
    action: 'deployment.update',
    target: `deployment:${shopId}`,
    detail: {},
    at: '2026-11-02T09:15:30Z',
    ...overrides,
  };
}

const deployed = event({
  id: '7d0c0000-0000-4000-8000-000000000002',
  action: 'deployment.deploy',
  detail: { operationId: 'op-1', revision: 3, adopt: false, recreate: false },
});
const created = event({
  id: '7d0c0000-0000-4000-8000-000000000003',
  action: 'deployment.create',
  detail: { name: 'shop', namespace: 'shop', clusterId: null, revision: 1, fields: ['name', 'workloads'] },
});
const userCreated = event({
  id: '7d0c0000-0000-4000-8000-000000000004',
  actor: null,
  action: 'user.create',
  target: `user:${member.id}`,
  detail: { role: 'member', via: 'cli' },
});

/** The query string of every audit request, in order (the fake server records paths only). */
function auditQueries(): URLSearchParams[] {
  return vi
    .mocked(fetch)
    .mock.calls.map(([input]) => new URL(String(input), 'http://localhost'))
    .filter((url) => url.pathname === '/api/v1/audit')
    .map((url) => url.searchParams);
}

function row(id: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`tr[data-event="${id}"]`);
  if (found === null) throw new Error(`no row for event ${id}`);
  return found;
}

function asAdmin(audit: Handler) {
  setToken('tok-admin');
  return mockApi({ 'GET /api/v1/auth/me': () => json(200, admin), 'GET /api/v1/audit': audit });
}

function location(): string {
  return screen.getByTestId('location').textContent ?? '';
}

describe('audit log page', { timeout: 40_000 }, () => {
  it('is not offered to members and asks nothing of the server for them', async () => {
    setToken('tok-bob');
    const api = mockApi({ 'GET /api/v1/auth/me': () => json(200, member) });
    renderApp('/audit');
    expect(await screen.findByText('Administrators only')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Audit log' })).not.toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/audit')).toHaveLength(0);
  });

  it('lists events with time, actor, action, target and details for an admin', async () => {
    asAdmin(() => json(200, { items: [deployed, created, userCreated], nextCursor: null }));
    renderApp('/audit');
    expect(await screen.findByRole('status', { name: 'Loading audit events' })).toBeInTheDocument();
    await screen.findByText('deployment.deploy');
    expect(screen.getByRole('link', { name: 'Audit log' })).toHaveAttribute('data-active');

    const deploy = row(deployed.id);
    expect(within(deploy).getByText('alice')).toBeInTheDocument();
    expect(within(deploy).getByText('Application')).toBeInTheDocument();
    expect(within(deploy).getByRole('link', { name: 'd0000000…' })).toHaveAttribute('href', `/apps/${shopId}`);
    expect(within(deploy).getByText('revision').nextElementSibling).toHaveTextContent('3');
    expect(within(deploy).getByText('adopt').nextElementSibling).toHaveTextContent('no');
    expect(deploy.querySelector('time')).toHaveAttribute('dateTime', deployed.at);
    expect(deploy.querySelector('time')).toHaveTextContent(/2026/);

    // The name the detail records stands for the target; the null cluster is left out.
    const create = row(created.id);
    expect(within(create).getByRole('link', { name: 'shop' })).toHaveAttribute('href', `/apps/${shopId}`);
    expect(within(create).getByText('fields').nextElementSibling).toHaveTextContent('name, workloads');
    expect(within(create).queryByText('clusterId')).not.toBeInTheDocument();

    const cli = row(userCreated.id);
    expect(within(cli).getByText('No account')).toBeInTheDocument();
    expect(within(cli).getByText('via').nextElementSibling).toHaveTextContent('cli');

    expect(auditQueries().map(String)).toEqual(['limit=50']);
    expect(screen.getByText('Page 1 · 3 events')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('walks older and newer pages with the cursor the server gave', async () => {
    asAdmin(() => {
      const cursor = auditQueries().at(-1)?.get('cursor');
      return cursor === 'c2'
        ? json(200, { items: [created], nextCursor: null })
        : json(200, { items: [deployed], nextCursor: 'c2' });
    });
    const { user } = renderApp('/audit');
    await screen.findByText('deployment.deploy');
    expect(screen.getByRole('button', { name: 'Newer' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Older' }));
    await screen.findByText('deployment.create');
    expect(screen.queryByText('deployment.deploy')).not.toBeInTheDocument();
    expect(auditQueries().at(-1)?.get('cursor')).toBe('c2');
    expect(screen.getByText('Page 2 · 1 event')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await screen.findByText('deployment.deploy');
    expect(screen.getByText('Page 1 · 1 event')).toBeInTheDocument();
  });

  it('filters by a target typed or picked from a row, and keeps it in the address', async () => {
    asAdmin(() => json(200, { items: [deployed, userCreated], nextCursor: null }));
    const { user } = renderApp('/audit');
    await screen.findByText('deployment.deploy');

    await user.click(within(row(userCreated.id)).getByRole('button', { name: `Only events about user:${member.id}` }));
    await waitFor(() => expect(auditQueries().at(-1)?.get('target')).toBe(`user:${member.id}`));
    expect(location()).toBe(`/audit?target=user%3A${member.id}`);
    expect(screen.getByLabelText('Target')).toHaveValue(`user:${member.id}`);

    await user.clear(screen.getByLabelText('Target'));
    await user.click(screen.getByLabelText('Target'));
    await user.paste(`deployment:${shopId}`);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(auditQueries().at(-1)?.get('target')).toBe(`deployment:${shopId}`));

    await user.click(screen.getByRole('button', { name: 'Clear the target filter' }));
    await waitFor(() => expect(location()).toBe('/audit'));
    expect(auditQueries().at(-1)?.has('target')).toBe(false);
  });

  it('changes the page size', async () => {
    asAdmin(() => json(200, { items: [deployed], nextCursor: null }));
    const { user } = renderApp('/audit');
    await screen.findByText('deployment.deploy');
    await user.click(screen.getByLabelText('Per page', { selector: 'input' }));
    await user.click(await screen.findByRole('option', { name: '100' }));
    await waitFor(() => expect(auditQueries().at(-1)?.get('limit')).toBe('100'));
    expect(location()).toBe('/audit?limit=100');
  });

  it('says when nothing is recorded, and when nothing matches the target', async () => {
    asAdmin(() => json(200, { items: [], nextCursor: null }));
    const { user } = renderApp(`/audit?target=cluster:nope`);
    expect(await screen.findByText('No events about this target')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show all events' }));
    expect(await screen.findByText('No events recorded yet')).toBeInTheDocument();
  });

  it("shows the server's message when the trail cannot be read", async () => {
    asAdmin(() => apiError(400, 'malformed', 'cursor was not issued by this server'));
    renderApp('/audit?target=deployment:x');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Cursor was not issued by this server.')).toBeInTheDocument();
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
