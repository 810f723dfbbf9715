import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../lib/token';
import { json, makeUser, mockApi } from '../../test/mockApi';
import { renderApp } from '../../test/renderApp';

describe('theme toggle', () => {
  it('switches the scheme, keeps it in localStorage and saves it to the preferences', async () => {
    setToken('tok');
    window.localStorage.setItem('kubechart.theme', 'light');
    const api = mockApi({
      'GET /api/v1/auth/me': () => json(200, makeUser({ preferences: { density: 'compact' } })),
      'PATCH /api/v1/auth/me': (request) => json(200, makeUser(request.body as object)),
    });
    const { user } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Switch to dark theme' }));

    expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(window.localStorage.getItem('kubechart.theme')).toBe('dark');
    await waitFor(() => expect(api.calls('PATCH', '/api/v1/auth/me')).toHaveLength(1));
    // The server merges preference keys: only the theme is sent, other preferences stay as they are.
    expect(api.calls('PATCH', '/api/v1/auth/me')[0]?.body).toEqual({ preferences: { theme: 'dark' } });
    expect(screen.getByRole('button', { name: 'Switch to light theme' })).toBeInTheDocument();
  });

  it('works on the sign-in page without calling the server', async () => {
    window.localStorage.setItem('kubechart.theme', 'dark');
    const api = mockApi({});
    const { user } = renderApp('/login');
    await user.click(screen.getByRole('button', { name: 'Switch to light theme' }));
    expect(window.localStorage.getItem('kubechart.theme')).toBe('light');
    expect(api.requests).toHaveLength(0);
  });
});
