import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getToken } from '../../../lib/token';
import { expectFieldError, field, fieldError } from '../../../test/fields';
import { apiError, json, makeUser, mockApi } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

async function fill(user: ReturnType<typeof renderApp>['user'], values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    await user.type(field(label), value);
  }
}

describe('register form', () => {
  it('shows every rule that is broken without calling the server', async () => {
    const api = mockApi({});
    const { user } = renderApp('/register');
    await fill(user, { Username: 'Al', Email: 'not-an-email', Password: 'short' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await expectFieldError('Username', 'Use at least 3 characters');
    expect(fieldError('Email')).toBe('Enter a valid email address');
    expect(fieldError('Password')).toBe('Use at least 10 characters');
    expect(api.requests).toHaveLength(0);
  });

  it('rejects upper-case usernames and a password equal to the username', async () => {
    mockApi({});
    const { user } = renderApp('/register');
    await fill(user, { Username: 'Alice_Admin', Email: 'a@x.io', Password: 'Alice_Admin' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await expectFieldError('Username', 'Use only lowercase letters, digits, "-" and "_"');

    await user.clear(field('Username'));
    await fill(user, { Username: 'longusername' });
    await user.clear(field('Password'));
    await fill(user, { Password: 'longusername' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await expectFieldError('Password', 'The password must not be your username');
  });

  it('sends the payload, stores the token and lands on the dashboard', async () => {
    const api = mockApi({
      'POST /api/v1/auth/register': () => json(201, { token: 'tok-1', user: makeUser() }),
    });
    const { user } = renderApp('/register');
    await fill(user, { Username: 'alice', Email: 'alice@example.io', Password: 'correct horse battery' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('heading', { name: 'Create your first application' })).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/auth/register')[0]?.body).toEqual({
      username: 'alice',
      email: 'alice@example.io',
      password: 'correct horse battery',
    });
    expect(api.calls('POST', '/api/v1/auth/register')[0]?.authorization).toBeNull();
    expect(getToken()).toBe('tok-1');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('shows 422 field errors at their fields', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        apiError(422, 'invalid_input', 'invalid input', [
          { path: 'email', message: 'must be a valid email address' },
          { path: 'password', message: 'must not be the same as the username' },
        ]),
    });
    const { user } = renderApp('/register');
    await fill(user, { Username: 'alice', Email: 'alice@example.io', Password: 'password123' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await expectFieldError('Email', 'Must be a valid email address.');
    await expectFieldError('Password', 'Must not be the same as the username.');
    expect(fieldError('Username')).toBeNull();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getToken()).toBeNull();
  });

  it('shows a 409 conflict at the field it names', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        apiError(409, 'conflict', 'this username is already taken', [
          { path: 'username', message: 'this username is already taken' },
        ]),
    });
    const { user } = renderApp('/register');
    await fill(user, { Username: 'alice', Email: 'alice@example.io', Password: 'correct horse battery' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await expectFieldError('Username', 'This username is already taken.');
    expect(field('Username')).toHaveFocus();
  });

  it('shows an error without fields above the form', async () => {
    mockApi({ 'POST /api/v1/auth/register': () => apiError(503, 'unavailable', 'a dependency is unavailable') });
    const { user } = renderApp('/register');
    await fill(user, { Username: 'alice', Email: 'alice@example.io', Password: 'correct horse battery' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('A dependency is unavailable.');
  });
});
