// End-to-end: the real server binary, the built web app and Chromium. The scenarios run in order and
// share one server, like a newcomer's first session: the first account becomes the administrator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, openPage, screenshot } from './support/browser.mjs';
import { serverBinary, startServer } from './support/server.mjs';

const alice = { username: 'alice', email: 'alice@example.io', password: 'alice-password-1' };
const bob = { username: 'bob', email: 'bob@example.io', password: 'bob-password-22' };

// Fail at once, and clearly, when the binary to test is not named.
serverBinary();

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs `scenario` on a fresh browser context and fails on any page problem it did not expect. */
async function inFreshPage(scenario, options) {
  const session = await openPage(browser, server.baseUrl, options);
  try {
    await scenario(session);
    assert.deepEqual(session.problems(), [], 'the page reported problems');
  } catch (error) {
    error.message += `\n--- server log (tail) ---\n${server.logs().slice(-4000)}`;
    throw error;
  } finally {
    await session.close();
  }
}

async function colorScheme(page) {
  return page.locator('html').getAttribute('data-mantine-color-scheme');
}

async function fillRegistration(page, account) {
  await page.getByLabel('Username', { exact: true }).fill(account.username);
  await page.getByLabel('Email', { exact: true }).fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

async function logIn(page, account) {
  await page.goto('/login');
  await page.getByLabel('Username or email', { exact: true }).fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('heading', { name: /^Welcome, / }).waitFor();
}

async function themeSaved(page) {
  const response = await page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/auth/me') && r.request().method() === 'PATCH',
  );
  assert.equal(response.status(), 200);
}

describe('KubeChart in a browser', () => {
  test('registration shows a short password at the password field', async () => {
    await inFreshPage(async ({ page }) => {
      await page.goto('/register');
      await fillRegistration(page, { ...alice, password: 'short' });
      const password = page.getByLabel('Password', { exact: true });
      await page.getByText('Use at least 10 characters').waitFor();
      assert.match((await password.getAttribute('aria-describedby')) ?? '', /-error/);
      assert.equal(new URL(page.url()).pathname, '/register');
      await screenshot(page, 'register-error');
    });
  });

  test('the first account becomes admin, lands on the dashboard, logs out and in again', async () => {
    await inFreshPage(async ({ page }) => {
      await page.goto('/register');
      await fillRegistration(page, alice);
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
      await page.getByRole('link', { name: 'Users' }).waitFor();
      assert.equal(await colorScheme(page), 'light');
      await screenshot(page, 'dashboard-light');

      await page.getByRole('button', { name: 'Account menu' }).click();
      await page.getByRole('menuitem', { name: 'Log out' }).click();
      await page.getByText('You have been signed out.').waitFor();
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.evaluate(() => localStorage.getItem('kubechart.token')), null);
      await screenshot(page, 'login');

      await logIn(page, alice);
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
    });
  });

  test('a taken username is reported by the server at the username field', async () => {
    await inFreshPage(async ({ page, expectProblem }) => {
      expectProblem(/status of 409/);
      await page.goto('/register');
      await fillRegistration(page, { ...alice, email: 'other@example.io' });
      await page.getByText('This username is already taken.').waitFor();
      const username = page.getByLabel('Username', { exact: true });
      assert.match((await username.getAttribute('aria-describedby')) ?? '', /-error/);
    });
  });

  test('the theme toggle survives a reload and follows the user to a new browser', async () => {
    await inFreshPage(async ({ page }) => {
      await logIn(page, alice);
      const saved = themeSaved(page);
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await saved;
      assert.equal(await colorScheme(page), 'dark');

      await page.reload();
      await page.getByRole('heading', { name: 'Welcome, alice' }).waitFor();
      assert.equal(await colorScheme(page), 'dark');
      await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
      await screenshot(page, 'dashboard-dark');
    });

    // A new browser has nothing in localStorage: the preference saved on the server wins at login.
    await inFreshPage(async ({ page }) => {
      await page.goto('/login');
      assert.equal(await colorScheme(page), 'light');
      await logIn(page, alice);
      assert.equal(await colorScheme(page), 'dark');
      const saved = themeSaved(page);
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
      await saved;
      assert.equal(await colorScheme(page), 'light');
    });
  });

  test('the profile page changes the display name and the password', async () => {
    await inFreshPage(async ({ page }) => {
      await logIn(page, alice);
      await page.getByRole('link', { name: 'Profile' }).click();
      await page.getByRole('heading', { name: 'Profile' }).waitFor();
      await page.getByLabel('Display name', { exact: true }).fill('Alice Admin');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Profile saved').waitFor();
      await page.getByRole('button', { name: 'Account menu' }).getByText('Alice Admin').waitFor();

      const newPassword = 'alice-password-2';
      await page.getByLabel('Current password', { exact: true }).fill(alice.password);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed').waitFor();
      alice.password = newPassword;

      // The new token is in use: a reload stays signed in.
      await page.reload();
      await page.getByRole('heading', { name: 'Profile' }).waitFor();
      await page.getByText('Password changed').waitFor({ state: 'detached' });
      await screenshot(page, 'profile');
    });
  });

  test('a member does not get the users page', async () => {
    await inFreshPage(async ({ page }) => {
      await page.goto('/register');
      await fillRegistration(page, bob);
      await page.getByRole('heading', { name: 'Welcome, bob' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
      await page.goto('/users');
      await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    });
  });

  test('the admin sees both users and can disable one', async () => {
    await inFreshPage(async ({ page }) => {
      await logIn(page, alice);
      await page.getByRole('link', { name: 'Users' }).click();
      const rows = page.locator('tbody tr');
      await page.getByText('bob@example.io').waitFor();
      assert.equal(await rows.count(), 2);
      const aliceRow = page.locator('tr[data-username="alice"]');
      const bobRow = page.locator('tr[data-username="bob"]');
      assert.equal(await aliceRow.getByLabel('Role of alice').inputValue(), 'Administrator');
      assert.equal(await bobRow.getByLabel('Role of bob').inputValue(), 'Member');
      await aliceRow.getByText('Active').waitFor();
      await bobRow.getByText('Active').waitFor();
      await screenshot(page, 'users');

      await bobRow.getByRole('switch', { name: 'bob may sign in' }).click({ force: true });
      await bobRow.getByText('Disabled').waitFor();
      await page.reload();
      await page.locator('tr[data-username="bob"]').getByText('Disabled').waitFor();
    });
  });
});
