import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { getToken, setToken } from '../../../lib/token';
import { expectFieldError, field, fieldError } from '../../../test/fields';
import { apiError, json, makeUser, mockApi, type Recorded } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

function signedIn(routes: Record<string, (request: Recorded) => Response>) {
  setToken('tok-old');
  return mockApi({ 'GET /api/v1/auth/me': () => json(200, makeUser({ displayName: 'Alice' })), ...routes });
}

describe('change password form', () => {
  it('checks length, confirmation and difference before calling the server', async () => {
    const api = signedIn({});
    const { user } = renderApp('/profile');
    await user.type(await screen.findByLabelText('Current password', { selector: 'input' }), 'old password 1');
    await user.type(field('New password'), 'short');
    await user.type(field('Confirm new password'), 'different');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await expectFieldError('New password', 'Use at least 10 characters');
    expect(fieldError('Confirm new password')).toBe('The passwords do not match');

    await user.clear(field('New password'));
    await user.type(field('New password'), 'old password 1');
    await user.clear(field('Confirm new password'));
    await user.type(field('Confirm new password'), 'old password 1');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await expectFieldError('New password', 'Choose a password different from the current one');
    expect(api.calls('POST', '/api/v1/auth/password')).toHaveLength(0);
  });

  it('sends current and new password only, and keeps the session with the new token', async () => {
    const api = signedIn({
      'POST /api/v1/auth/password': () => json(200, { token: 'tok-new', user: makeUser({ displayName: 'Alice' }) }),
    });
    const { user } = renderApp('/profile');
    await user.type(await screen.findByLabelText('Current password', { selector: 'input' }), 'old password 1');
    await user.type(field('New password'), 'new password 22');
    await user.type(field('Confirm new password'), 'new password 22');
    await user.click(screen.getByRole('button', { name: 'Change password' }));

    expect(await screen.findByText('Password changed')).toBeInTheDocument();
    const [call] = api.calls('POST', '/api/v1/auth/password');
    expect(call?.body).toEqual({ currentPassword: 'old password 1', newPassword: 'new password 22' });
    expect(call?.authorization).toBe('Bearer tok-old');
    expect(getToken()).toBe('tok-new');
    await waitFor(() => expect(field('Current password')).toHaveValue(''));
  });

  it('shows a wrong current password at that field', async () => {
    signedIn({
      'POST /api/v1/auth/password': () =>
        apiError(422, 'invalid_input', 'the input is invalid', [
          { path: 'currentPassword', message: 'is not your current password' },
        ]),
    });
    const { user } = renderApp('/profile');
    await user.type(await screen.findByLabelText('Current password', { selector: 'input' }), 'not it at all');
    await user.type(field('New password'), 'new password 22');
    await user.type(field('Confirm new password'), 'new password 22');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await expectFieldError('Current password', 'Is not your current password.');
    expect(getToken()).toBe('tok-old');
  });
});

describe('display name form', () => {
  it('sends the trimmed name and shows the saved one', async () => {
    const api = signedIn({
      'PATCH /api/v1/auth/me': (request) =>
        json(200, makeUser({ displayName: (request.body as { displayName: string }).displayName })),
    });
    const { user } = renderApp('/profile');
    const input = await screen.findByLabelText('Display name', { selector: 'input' });
    expect(input).toHaveValue('Alice');
    await user.clear(input);
    await user.type(input, '  Alice Liddell ');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Profile saved')).toBeInTheDocument();
    expect(api.calls('PATCH', '/api/v1/auth/me')[0]?.body).toEqual({ displayName: 'Alice Liddell' });
    expect(await screen.findByRole('heading', { name: 'Alice Liddell' })).toBeInTheDocument();
  });

  it('clears the name with null when emptied', async () => {
    const api = signedIn({ 'PATCH /api/v1/auth/me': () => json(200, makeUser({ displayName: null })) });
    const { user } = renderApp('/profile');
    const input = await screen.findByLabelText('Display name', { selector: 'input' });
    await user.clear(input);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.calls('PATCH', '/api/v1/auth/me')).toHaveLength(1));
    expect(api.calls('PATCH', '/api/v1/auth/me')[0]?.body).toEqual({ displayName: null });
  });

  it('shows a server field error at the field', async () => {
    signedIn({
      'PATCH /api/v1/auth/me': () =>
        apiError(422, 'invalid_input', 'the input is invalid', [
          { path: 'displayName', message: 'must be at most 64 characters long' },
        ]),
    });
    const { user } = renderApp('/profile');
    const input = await screen.findByLabelText('Display name', { selector: 'input' });
    await user.type(input, ' Liddell');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await expectFieldError('Display name', 'Must be at most 64 characters long.');
  });
});
