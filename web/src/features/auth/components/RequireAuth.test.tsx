import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getToken, setToken } from '../../../lib/token';
import { field } from '../../../test/fields';
import { apiError, json, makeUser, mockApi } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

describe('signed-in pages', () => {
  it('send a visitor without a token to the login page, keeping the intended path', async () => {
    const api = mockApi({});
    renderApp('/profile?tab=password');
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fprofile%3Ftab%3Dpassword'),
    );
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });

  it('send the bearer token with every request', async () => {
    setToken('tok-abc');
    const api = mockApi({ 'GET /api/v1/auth/me': () => json(200, makeUser()) });
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Create your first application' })).toBeInTheDocument();
    expect(api.calls('GET', '/api/v1/auth/me')[0]?.authorization).toBe('Bearer tok-abc');
  });

  it('clear an expired token and return to the login page, then come back after signing in', async () => {
    setToken('expired');
    mockApi({
      'GET /api/v1/auth/me': (request) =>
        request.authorization === 'Bearer fresh'
          ? json(200, makeUser())
          : apiError(401, 'unauthenticated', 'not signed in'),
      'POST /api/v1/auth/login': () => json(200, { token: 'fresh', user: makeUser() }),
    });
    const { user } = renderApp('/profile');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fprofile'));
    expect(getToken()).toBeNull();

    await user.type(field('Username or email'), 'alice');
    await user.type(field('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Profile' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/profile$/);
  });

  it('end the session when any later request answers 401', async () => {
    setToken('tok-admin');
    mockApi({
      'GET /api/v1/auth/me': () => json(200, makeUser()),
      // The account was disabled meanwhile: the next request is refused.
      'GET /api/v1/users': () => apiError(401, 'unauthenticated', 'not signed in'),
    });
    renderApp('/users');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fusers'));
    expect(getToken()).toBeNull();
  });

  it('show a failure other than 401 with a way to retry, keeping the token', async () => {
    setToken('tok');
    let attempts = 0;
    mockApi({
      'GET /api/v1/auth/me': () => {
        attempts += 1;
        return attempts <= 3 ? apiError(503, 'unavailable', 'a dependency is unavailable') : json(200, makeUser());
      },
    });
    const { user } = renderApp('/');
    expect(await screen.findByText('A dependency is unavailable.')).toBeInTheDocument();
    expect(getToken()).toBe('tok');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Create your first application' })).toBeInTheDocument();
  });

  it('log out: drop the token and say so on the login page', async () => {
    setToken('tok');
    mockApi({ 'GET /api/v1/auth/me': () => json(200, makeUser()) });
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Account menu' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Log out' }));
    expect(await screen.findByText('You have been signed out.')).toBeInTheDocument();
    expect(getToken()).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
  });
});
