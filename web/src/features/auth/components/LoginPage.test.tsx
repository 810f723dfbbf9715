import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getToken, setToken } from '../../../lib/token';
import { expectFieldError, field, fieldError } from '../../../test/fields';
import { apiError, json, makeUser, mockApi } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

describe('login form', () => {
  it('asks for both fields before calling the server', async () => {
    const api = mockApi({});
    const { user } = renderApp('/login');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectFieldError('Username or email', 'Enter your username or email');
    expect(fieldError('Password')).toBe('Enter your password');
    expect(api.requests).toHaveLength(0);
  });

  it('signs in, applies the saved theme and goes to the page that was asked for', async () => {
    const api = mockApi({
      'POST /api/v1/auth/login': () =>
        json(200, { token: 'tok-login', user: makeUser({ role: 'member', preferences: { theme: 'dark' } }) }),
    });
    const { user } = renderApp('/login?next=%2Fprofile');
    expect(screen.getByText('Please sign in to continue.')).toBeInTheDocument();
    await user.type(field('Username or email'), 'alice@example.io');
    await user.type(field('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'Profile' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/profile$/);
    expect(api.calls('POST', '/api/v1/auth/login')[0]?.body).toEqual({
      username: 'alice@example.io',
      password: 'correct horse battery',
    });
    expect(getToken()).toBe('tok-login');
    // The server's preference wins over whatever this browser had.
    expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(window.localStorage.getItem('kubechart.theme')).toBe('dark');
  });

  it('ignores a next parameter that points to another site', async () => {
    mockApi({ 'POST /api/v1/auth/login': () => json(200, { token: 't', user: makeUser() }) });
    const { user } = renderApp('/login?next=%2F%2Fevil.example%2F');
    await user.type(field('Username or email'), 'alice');
    await user.type(field('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });

  it('shows a wrong password above the form and stays signed out', async () => {
    mockApi({ 'POST /api/v1/auth/login': () => apiError(401, 'unauthenticated', 'invalid username or password') });
    const { user } = renderApp('/login');
    await user.type(field('Username or email'), 'alice');
    await user.type(field('Password'), 'wrong password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid username or password.');
    expect(getToken()).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
  });

  it('tells how long to wait when rate limited', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        apiError(429, 'rate_limited', 'too many attempts, try again later', undefined, { 'Retry-After': '30' }),
    });
    const { user } = renderApp('/login');
    await user.type(field('Username or email'), 'alice');
    await user.type(field('Password'), 'whatever password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
  });

  it('shows a 422 at the field it names', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        apiError(422, 'invalid_input', 'the input is invalid', [{ path: 'username', message: 'must not be empty' }]),
    });
    const { user } = renderApp('/login');
    await user.type(field('Username or email'), 'a');
    await user.type(field('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectFieldError('Username or email', 'Must not be empty.');
  });

  it('skips the login page for a signed-in visitor who follows a link to it', async () => {
    setToken('still-valid');
    mockApi({ 'GET /api/v1/auth/me': () => json(200, makeUser()) });
    renderApp('/login');
    expect(await screen.findByRole('heading', { name: 'Create your first application' })).toBeInTheDocument();
  });
});
