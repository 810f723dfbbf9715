import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../../lib/token';
import { apiError, json, makeUser, mockApi } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

const admin = makeUser();
const bob = makeUser({
  id: '6f1c1d2e-0000-4000-8000-000000000002',
  username: 'bob',
  email: 'bob@example.io',
  role: 'member',
});

function row(username: string): HTMLElement {
  const found = document.querySelector<HTMLElement>(`tr[data-username="${username}"]`);
  if (found === null) throw new Error(`no row for ${username}`);
  return found;
}

describe('users page', () => {
  it('is not offered to members and makes no admin request for them', async () => {
    setToken('tok-bob');
    const api = mockApi({ 'GET /api/v1/auth/me': () => json(200, bob) });
    renderApp('/users');
    expect(await screen.findByText('Administrators only')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/users')).toHaveLength(0);
  });

  it('lists every user with role and status for an admin', async () => {
    setToken('tok-admin');
    mockApi({
      'GET /api/v1/auth/me': () => json(200, admin),
      'GET /api/v1/users': () => json(200, [admin, { ...bob, disabled: true }]),
    });
    renderApp('/users');
    await screen.findByText('bob@example.io');
    expect(screen.getByRole('link', { name: 'Users' })).toBeInTheDocument();
    expect(within(row('alice')).getByText('You')).toBeInTheDocument();
    expect(within(row('alice')).getByText('Active')).toBeInTheDocument();
    expect(within(row('bob')).getByText('Disabled')).toBeInTheDocument();
    expect(within(row('bob')).getByLabelText('Role of bob', { selector: 'input' })).toHaveValue('Member');
  });

  it('sends a role change and shows the updated row', async () => {
    setToken('tok-admin');
    const api = mockApi({
      'GET /api/v1/auth/me': () => json(200, admin),
      'GET /api/v1/users': () => json(200, [admin, bob]),
      [`PATCH /api/v1/users/${bob.id}`]: (request) => json(200, { ...bob, ...(request.body as object) }),
    });
    const { user } = renderApp('/users');
    await screen.findByText('bob@example.io');
    await user.click(within(row('bob')).getByLabelText('Role of bob', { selector: 'input' }));
    await user.click(await screen.findByRole('option', { name: 'Administrator' }));

    await waitFor(() => expect(api.calls('PATCH', `/api/v1/users/${bob.id}`)).toHaveLength(1));
    expect(api.calls('PATCH', `/api/v1/users/${bob.id}`)[0]?.body).toEqual({ role: 'admin' });
    await waitFor(() =>
      expect(within(row('bob')).getByLabelText('Role of bob', { selector: 'input' })).toHaveValue('Administrator'),
    );
  });

  it('disables a user with the switch', async () => {
    setToken('tok-admin');
    const api = mockApi({
      'GET /api/v1/auth/me': () => json(200, admin),
      'GET /api/v1/users': () => json(200, [admin, bob]),
      [`PATCH /api/v1/users/${bob.id}`]: () => json(200, { ...bob, disabled: true }),
    });
    const { user } = renderApp('/users');
    await screen.findByText('bob@example.io');
    await user.click(within(row('bob')).getByRole('switch', { name: 'bob may sign in' }));
    await waitFor(() => expect(within(row('bob')).getByText('Disabled')).toBeInTheDocument());
    expect(api.calls('PATCH', `/api/v1/users/${bob.id}`)[0]?.body).toEqual({ disabled: true });
  });

  it('explains why the last administrator cannot be demoted', async () => {
    setToken('tok-admin');
    mockApi({
      'GET /api/v1/auth/me': () => json(200, admin),
      'GET /api/v1/users': () => json(200, [admin, bob]),
      [`PATCH /api/v1/users/${admin.id}`]: () =>
        apiError(409, 'conflict', 'the last administrator cannot be demoted or disabled', [
          { path: 'disabled', message: 'the last administrator must stay an enabled admin' },
        ]),
    });
    const { user } = renderApp('/users');
    await screen.findByText('bob@example.io');
    await user.click(within(row('alice')).getByRole('switch', { name: 'alice may sign in' }));
    expect(await screen.findByText('The last administrator cannot be demoted or disabled.')).toBeInTheDocument();
    expect(within(row('alice')).getByText('Active')).toBeInTheDocument();
  });

  it('filters by name or email', async () => {
    setToken('tok-admin');
    mockApi({
      'GET /api/v1/auth/me': () => json(200, admin),
      'GET /api/v1/users': () => json(200, [admin, bob]),
    });
    const { user } = renderApp('/users');
    await screen.findByText('bob@example.io');
    await user.type(screen.getByRole('textbox', { name: 'Search users' }), 'BOB@');
    expect(screen.queryByText('alice@example.io')).not.toBeInTheDocument();
    expect(screen.getByText('bob@example.io')).toBeInTheDocument();
  });
});
