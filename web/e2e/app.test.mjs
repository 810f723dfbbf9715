// End-to-end: the real server binary, the built web app, the project's test cluster and Chromium. The
// scenarios run in order and share one server, like a newcomer's first session: the first account
// becomes the administrator.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { loadAll } from 'js-yaml';
import { seriousViolations } from './support/axe.mjs';
import { launchBrowser, openPage, screenshot, screenshotThemes } from './support/browser.mjs';
import { kubechartApi } from './support/api.mjs';
import { assertAll, clustersPage, detailPage, editorPage, field, importPage, reviewPage, settled } from './support/pages.mjs';
import { serverBinary, startServer } from './support/server.mjs';
import { startTestCluster, testClusterBinary } from './support/testcluster.mjs';

const alice = { username: 'alice', email: 'alice@example.io', password: 'alice-password-1' };
const bob = { username: 'bob', email: 'bob@example.io', password: 'bob-password-22' };
const carol = { username: 'carol', email: 'carol@example.io', password: 'carol-password-3' };

// Fail at once, and clearly, when a binary to test is not named.
serverBinary();
testClusterBinary();

/** An image the test cluster cannot pull: its pods wait in ImagePullBackOff. */
const missingImage = 'ghcr.io/acme/missing:1.0';

let server;
let cluster;
let browser;
let api;
/** Filled in by the deploy scenario, used by those after it. */
const shop = { id: null };

before(async () => {
  [server, cluster] = await Promise.all([startServer(), startTestCluster({ failImages: [missingImage] })]);
  browser = await launchBrowser();
  api = kubechartApi(server.baseUrl);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await cluster?.stop();
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
  await page.getByRole('heading', { name: 'Applications' }).waitFor();
}

/** A new account with the test cluster registered, made through the API: a scenario's own workspace. */
async function seededAccount(username) {
  const account = { username, email: `${username}@example.io`, password: `${username}-password-1` };
  const token = await api.register(account);
  const registered = await api.addCluster(token, { name: 'test', kubeconfig: cluster.kubeconfig });
  return { account, token, clusterId: registered.id };
}

/** Waits until `check()` holds, polling with a deadline. */
async function eventually(check, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what}: not within ${timeout} ms`);
    await delay(250);
  }
}

/** The test cluster's API path of an object of the rendered manifests (for the kinds the scenarios use). */
function objectPath({ apiVersion, kind, metadata }) {
  const plurals = {
    Namespace: 'namespaces',
    ClusterRole: 'clusterroles',
    ClusterRoleBinding: 'clusterrolebindings',
    ServiceAccount: 'serviceaccounts',
    Deployment: 'deployments',
    Service: 'services',
    HTTPRoute: 'httproutes',
    BackendTrafficPolicy: 'backendtrafficpolicies',
    NetworkPolicy: 'networkpolicies',
    Certificate: 'certificates',
    Role: 'roles',
    RoleBinding: 'rolebindings',
  };
  assert.ok(plurals[kind], `no API path known for ${kind}`);
  const group = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const scope = metadata.namespace ? `/namespaces/${metadata.namespace}` : '';
  return `${group}${scope}/${plurals[kind]}/${metadata.name}`;
}

/** The objects of rendered manifests. */
function manifestObjects(yaml) {
  const objects = [];
  loadAll(yaml, (doc) => doc && objects.push(doc));
  return objects;
}

/** The pod of a workload (its name starts with the workload's) once the cluster runs it. */
async function runningPod(namespace, workload) {
  let found = null;
  await eventually(async () => {
    const pods = (await cluster.get(`/api/v1/namespaces/${namespace}/pods`)).body.items;
    found = pods.find((p) => p.metadata.name.startsWith(`${workload}-`) && p.status?.phase === 'Running')?.metadata.name ?? null;
    return found !== null;
  }, `a running pod of ${workload}`);
  return found;
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
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
      await page.getByRole('link', { name: 'Start from Web ingress' }).waitFor();
      await page.getByRole('link', { name: 'Users' }).waitFor();
      assert.equal(await colorScheme(page), 'light');

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
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
      assert.equal(await colorScheme(page), 'dark');
      await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
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
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
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
  test('scenario 1: add the test cluster, create an app from a template, see the server at its field, review, deploy, ready', async () => {
    await inFreshPage(async ({ page, expectProblem }) => {
      await logIn(page, alice);
      await clustersPage.addFromKubeconfigFile(page, { name: 'test', kubeconfigPath: cluster.kubeconfigPath });
      await screenshot(page, 'clusters-light');

      await page.goto('/');
      await page.getByRole('link', { name: 'Start from Web ingress' }).click();
      await page.getByRole('heading', { name: 'New application' }).waitFor();
      await editorPage.waitForPreview(page, 'kind: Deployment');
      // The example's namespace is not in the test cluster: the application creates it.
      await page.getByRole('switch', { name: 'Create the namespace' }).click({ force: true });

      await editorPage.section(page, 'Workloads');
      await field(page, 'Image').fill('ghcr.io/acme/shop:1.5.0');
      await field(page, 'Replicas').fill('2');
      await editorPage.waitForPreview(page, 'image: ghcr.io/acme/shop:1.5.0');
      await editorPage.waitForPreview(page, 'replicas: 2');

      // A name Kubernetes refuses: the server's own message appears at the field and in the section count.
      expectProblem(/status of 422/);
      await field(page, 'Workload name').fill('Web_Shop');
      await page.waitForFunction(() => {
        const input = [...document.querySelectorAll('input')].find((i) => i.labels?.[0]?.textContent?.startsWith('Workload name'));
        return input?.getAttribute('aria-invalid') === 'true';
      });
      const message = await editorPage.fieldError(page, 'Workload name');
      assert.ok(message && message.length > 10, `the field shows the server's message, got ${message}`);
      const alert = await page.getByRole('region', { name: 'Manifest preview' }).getByText(message.replace(/\.$/, '')).count();
      assert.ok(alert > 0, 'the preview names the same problem');
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: /1 error$/ }).first().waitFor();
      await screenshot(page, 'editor-error-light');
      await field(page, 'Workload name').fill('web');
      await field(page, 'Workload name').and(page.locator('[aria-invalid="true"]')).waitFor({ state: 'detached' });
      await editorPage.waitForPreview(page, 'name: web');
      await screenshot(page, 'editor-light');

      await page.getByRole('button', { name: 'Save and review' }).click();
      await page.waitForURL(/\/apps\/[^/]+\/review$/);
      shop.id = new URL(page.url()).pathname.split('/')[2];
      assertAll(await reviewPage.actions(page), 'create', 'a new application creates every object');
      await screenshot(page, 'review-light');

      await reviewPage.deploy(page, shop.id);
      await detailPage.waitForStatus(page, 'ready');
      await screenshot(page, 'detail-light');

      const deployment = await cluster.get('/apis/apps/v1/namespaces/shop/deployments/web');
      assert.equal(deployment.status, 200);
      assert.equal(deployment.body.spec.replicas, 2);
      assert.equal(deployment.body.spec.template.spec.containers[0].image, 'ghcr.io/acme/shop:1.5.0');
    });
  });

  test('an unsaved edit survives a reload', async () => {
    await inFreshPage(async ({ page }) => {
      await logIn(page, alice);
      await page.goto(`/apps/${shop.id}/edit`);
      await page.getByRole('heading', { name: 'Edit shop' }).waitFor();
      await field(page, 'Part of').fill('storefront-eu');
      await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('kubechart.draft.') && localStorage.getItem(k).includes('storefront-eu')));
      page.once('dialog', (dialog) => dialog.accept());
      await page.reload();
      await page.getByText('Your unsaved changes from earlier were restored.').waitFor();
      assert.equal(await field(page, 'Part of').inputValue(), 'storefront-eu');
      await page.getByRole('button', { name: 'Discard them' }).click();
      assert.equal(await field(page, 'Part of').inputValue(), 'storefront');
    });
  });

  test('scenario 6: a second user sees none of the first user\'s applications or clusters', async () => {
    await inFreshPage(async ({ page, expectProblem }) => {
      await page.goto('/register');
      await fillRegistration(page, carol);
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor();
      assert.equal(await page.locator('[data-app]').count(), 0);
      await page.getByRole('link', { name: 'Clusters' }).click();
      await page.getByRole('heading', { name: 'Connect your first cluster' }).waitFor();
      assert.equal(await page.locator('[data-cluster]').count(), 0);
      expectProblem(/status of 404/);
      await page.goto(`/apps/${shop.id}`);
      await page.getByRole('alert').getByText(/not found/i).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'shop' }).count(), 0);
    });
  });

  test('import: pasted manifests become a form, with what the form does not model kept, and are saved', async () => {
    const { account } = await seededAccount('dana');
    // Written as a person would, with fields the form has no input for (dnsPolicy, an annotation).
    const manifests = [
      '# The storefront, as it was deployed by hand',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: storefront-settings',
      '  namespace: default',
      'data:',
      '  LOG_LEVEL: info',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: storefront',
      '  namespace: default',
      '  annotations:',
      '    team.example.io/owner: web',
      'spec:',
      '  replicas: 2',
      '  selector:',
      '    matchLabels:',
      '      app: storefront',
      '  template:',
      '    metadata:',
      '      labels:',
      '        app: storefront',
      '    spec:',
      '      dnsPolicy: ClusterFirstWithHostNet',
      '      containers:',
      '        - name: web',
      '          image: nginx:1.27',
      '          ports:',
      '            - containerPort: 80',
      '          envFrom:',
      '            - configMapRef:',
      '                name: storefront-settings',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: storefront',
      '  namespace: default',
      'spec:',
      '  selector:',
      '    app: storefront',
      '  ports:',
      '    - port: 80',
      '      targetPort: 80',
      '',
    ].join('\n');
    await inFreshPage(async ({ page }) => {
      await logIn(page, account);
      await importPage.open(page, 'yaml');
      await importPage.importYaml(page, manifests, { name: 'storefront' });
      await page.getByRole('heading', { name: 'Import storefront' }).waitFor();
      assert.equal(await importPage.stat(page, 'objects'), 3);
      assert.equal(await importPage.stat(page, 'refused'), 0);
      const deployment = await importPage.object(page, 'Deployment/storefront');
      assert.equal(deployment.outcome, 'form');
      assert.ok(deployment.form.includes('spec.replicas'), deployment.form.join(', '));
      assert.ok(deployment.override.includes('spec.template.spec.dnsPolicy'), deployment.override.join(', '));
      assert.equal((await importPage.object(page, 'ConfigMap/storefront-settings')).outcome, 'form');
      assert.notEqual((await importPage.object(page, 'Service/storefront')).outcome, 'refused');
      await screenshot(page, 'import-report');
      // Nothing opens before the report has been read.
      assert.equal(new URL(page.url()).pathname, '/apps/import');

      await page.getByRole('button', { name: 'Open in editor' }).click();
      await page.getByRole('heading', { name: 'New application' }).waitFor();
      assert.equal(await field(page, 'Application name').inputValue(), 'storefront');
      await editorPage.waitForPreview(page, 'dnsPolicy: ClusterFirstWithHostNet');
      await editorPage.waitForPreview(page, 'team.example.io/owner: web');
      await screenshot(page, 'import-editor');

      await page.getByRole('button', { name: 'Save and review' }).click();
      await page.waitForURL(/\/apps\/[^/]+\/review$/);
      assertAll(await reviewPage.actions(page), 'create', 'an imported application not yet deployed creates every object');
    });
  });

  test('import: a refusal names its document and field', async () => {
    const { account } = await seededAccount('dirk');
    await inFreshPage(async ({ page, expectProblem }) => {
      // The blank new application the menu sits on is refused by the preview, then the import is.
      expectProblem(/status of 422/);
      expectProblem(/status of 422/);
      await logIn(page, account);
      await importPage.open(page, 'yaml', '/apps/new');
      await field(page, 'Manifests').fill('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Settings_Main\ndata:\n  a: b\n');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const problem = page.getByRole('alert').locator('[data-problem]').first();
      await problem.waitFor();
      assert.match(await problem.textContent(), /^Document 1/);
      await screenshot(page, 'import-refused');
    });
  });

  test('scenario 3: an image the cluster cannot pull shows ImagePullBackOff with the image, and the badge turns, live', async () => {
    const { account, token, clusterId } = await seededAccount('erin');
    const app = await api.createDeployment(token, {
      clusterId,
      spec: {
        name: 'broken-shop',
        namespace: 'default',
        workloads: [{ name: 'web', kind: 'Deployment', replicas: 1, containers: [{ name: 'web', image: missingImage }] }],
      },
    });
    await inFreshPage(async ({ page, context }) => {
      await logIn(page, account);
      await page.locator('[data-app="broken-shop"] [data-status="draft"]').waitFor();
      const detail = await context.newPage();
      await detail.goto(`/apps/${app.id}`);
      await detail.getByRole('heading', { name: 'broken-shop' }).waitFor();
      // Marks both documents: a reload would drop the mark.
      for (const p of [page, detail]) await p.evaluate(() => (window.__notReloaded = true));

      await api.deploy(token, app.id);
      await detail.getByText('ImagePullBackOff').first().waitFor({ timeout: 30_000 });
      await detail.getByText(missingImage).first().waitFor();
      await page.locator('[data-app="broken-shop"]').locator('[data-status="degraded"], [data-status="failed"]').waitFor({ timeout: 30_000 });
      for (const p of [page, detail]) assert.equal(await p.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
      await screenshot(detail, 'detail-image-pull-failure');
      await screenshot(page, 'applications-degraded');
      await detail.close();
    });
  });

  test('scenario 2: remove the Service, review shows the prune, deploy removes it, roll back brings it back', async () => {
    const { account, token, clusterId } = await seededAccount('frank');
    const app = await api.createDeployment(token, {
      clusterId,
      spec: {
        name: 'catalog',
        namespace: 'default',
        workloads: [
          {
            name: 'catalog',
            kind: 'Deployment',
            replicas: 1,
            containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
          },
        ],
        services: [{ name: 'catalog', workload: 'catalog', ports: [{ port: 80, targetPort: 'http' }] }],
      },
    });
    await api.deploy(token, app.id);
    const servicePath = '/api/v1/namespaces/default/services/catalog';
    assert.equal((await cluster.get(servicePath)).status, 200);

    await inFreshPage(async ({ page }) => {
      await logIn(page, account);
      await page.goto(`/apps/${app.id}/edit`);
      await page.getByRole('heading', { name: 'Edit catalog' }).waitFor();
      await editorPage.section(page, 'Networking');
      await page.getByRole('button', { name: 'Remove catalog' }).click();
      await editorPage.waitForPreview(page, 'kind: Deployment');
      await page.waitForFunction(() => !document.querySelector('[data-testid="preview-yaml"]')?.textContent?.includes('kind: Service'));
      await page.getByRole('button', { name: 'Save and review' }).click();
      await page.waitForURL(`**/apps/${app.id}/review`);
      await reviewPage.actions(page);
      assert.equal(await page.locator('[data-object="Service/catalog"] [data-action]').getAttribute('data-action'), 'prune');
      await screenshot(page, 'review-prune');

      await reviewPage.deploy(page, app.id);
      await eventually(async () => (await cluster.get(servicePath)).status === 404, 'the Service is gone from the cluster');

      // The revisions panel compares the deployed revision with the one before: the Service is removed.
      await page.getByRole('tab', { name: 'Revisions' }).click();
      const changes = page.getByTestId('field-changes');
      await changes.waitFor();
      const services = changes.locator('tbody tr').filter({ has: page.locator('code', { hasText: /^services/ }) });
      assert.ok((await services.count()) > 0, `a change of services is listed: ${await changes.locator('tbody').textContent()}`);
      assert.equal(await services.first().getAttribute('data-change'), 'removed');
      assert.equal((await services.first().locator('td').nth(2).textContent()).trim(), 'removed', 'revision 2 has no services');
      const removed = await page.locator('[data-kind="removed"]').allTextContents();
      assert.ok(removed.some((line) => /^-kind: Service\s*$/.test(line)), `the Service's manifest is marked removed: ${removed.join('|')}`);
      assert.ok(removed.some((line) => /^-\s+name: catalog\s*$/.test(line)), `the Service's name is marked removed: ${removed.join('|')}`);
      assert.equal(await page.locator('[data-kind="added"]').count(), 0, 'nothing was added');
      await screenshotThemes(page, 'detail-revisions-diff');

      await page.getByRole('button', { name: 'Roll back to 1' }).click();
      await eventually(async () => (await cluster.get(servicePath)).status === 200, 'the Service is back after the rollback');
      await detailPage.waitForStatus(page, 'ready');
    });
  });

  test('scenario 4: the logs panel follows lines written after it opened, the events panel lists the Warning first', async () => {
    const { account, token, clusterId } = await seededAccount('hana');
    const app = await api.createDeployment(token, {
      clusterId,
      spec: {
        name: 'orders',
        namespace: 'default',
        workloads: [
          { name: 'orders-api', kind: 'Deployment', replicas: 1, containers: [{ name: 'api', image: 'nginx:1.27' }] },
          { name: 'orders-worker', kind: 'Deployment', replicas: 1, containers: [{ name: 'worker', image: missingImage }] },
        ],
      },
    });
    await api.deploy(token, app.id);
    const pod = await runningPod('default', 'orders-api');
    const written = (text) => cluster.appendLog({ namespace: 'default', pod, container: 'api', text });
    // More lines than the panel shows at once, so following means scrolling.
    await written(Array.from({ length: 60 }, (_, i) => `GET /orders/${i} 200\n`).join(''));

    await inFreshPage(async ({ page }) => {
      await logIn(page, account);
      await page.goto(`/apps/${app.id}`);
      await page.getByRole('heading', { name: 'orders' }).waitFor();
      await page.evaluate(() => (window.__notReloaded = true));

      await page.getByRole('tab', { name: 'Events' }).click();
      const warning = page.locator('[data-event-type="Warning"]').filter({ hasText: `Failed to pull image "${missingImage}"` });
      await warning.first().waitFor({ timeout: 30_000 });
      assert.match(await warning.first().textContent(), /Pod\/orders-worker-/);
      const types = await page.locator('[data-event-type]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event-type')));
      assert.ok(types.includes('Normal'), `the pulls that worked are listed too: ${types.join(', ')}`);
      assert.equal(types.indexOf('Normal'), types.lastIndexOf('Warning') + 1, `Warnings come first: ${types.join(', ')}`);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'detail-events-warning');

      await page.getByRole('tab', { name: 'Logs' }).click();
      const podPicker = page.getByRole('combobox', { name: 'Pod' });
      await podPicker.waitFor();
      if ((await podPicker.inputValue()) !== pod) {
        await podPicker.click();
        await page.getByRole('option', { name: pod }).click();
      }
      const log = page.getByTestId('log-text');
      await log.filter({ hasText: 'GET /orders/59 200' }).waitFor();

      await written('POST /orders 201 created order 4711\n');
      await log.filter({ hasText: 'created order 4711' }).waitFor({ timeout: 10_000 });
      const viewport = page.getByRole('region', { name: 'Log' });
      await page.waitForFunction(
        () => {
          const region = document.querySelector('[aria-label="Log"]');
          return region !== null && region.scrollHeight > region.clientHeight && region.scrollTop + region.clientHeight >= region.scrollHeight - 2;
        },
        null,
        { timeout: 5_000 },
      );
      assert.ok(await viewport.isVisible());
      assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'detail-logs-follow');
    });
  });

  test('scenario 5: delete shows every object it removes, cluster-scoped ones too, asks for the name, and removes them all', async () => {
    const { account, token, clusterId } = await seededAccount('ivan');
    const app = await api.createDeployment(token, {
      clusterId,
      spec: {
        name: 'reports',
        namespace: 'reports',
        createNamespace: true,
        workloads: [
          { name: 'reports', kind: 'Deployment', replicas: 1, serviceAccount: 'reports', containers: [{ name: 'web', image: 'nginx:1.27' }] },
        ],
        serviceAccounts: [{ name: 'reports' }],
        clusterRoles: [{ name: 'reports-read', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }] }],
        clusterRoleBindings: [
          { name: 'reports-read', role: { kind: 'ClusterRole', name: 'reports-read' }, subjects: [{ name: 'reports', namespace: 'reports' }] },
        ],
      },
    });
    const operation = await api.deploy(token, app.id);
    assert.notEqual(operation.state, 'failed', JSON.stringify(operation));
    const objects = manifestObjects(app.yaml);
    const label = (o) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
    const clusterScoped = objects.filter((o) => !o.metadata.namespace).map(label).sort();
    assert.deepEqual(clusterScoped, ['ClusterRole reports-read', 'ClusterRoleBinding reports-read', 'Namespace reports']);
    for (const object of objects) assert.equal((await cluster.get(objectPath(object))).status, 200, `${label(object)} was deployed`);

    await inFreshPage(async ({ page }) => {
      await logIn(page, account);
      await page.locator('[data-app="reports"]').waitFor();
      await page.goto(`/apps/${app.id}`);
      await page.getByRole('heading', { name: 'reports' }).waitFor();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete reports' });
      const preview = dialog.getByTestId('delete-preview');
      await preview.locator('li').first().waitFor();
      const listed = await preview.locator('li').evaluateAll((items) =>
        items.map((li) => ({ object: li.querySelector('code')?.textContent ?? '', clusterWide: li.textContent.includes('cluster-wide') })),
      );
      assert.deepEqual(listed.map((l) => l.object).sort(), objects.map(label).sort(), 'the dialog lists every object of the app');
      assert.deepEqual(listed.filter((l) => l.clusterWide).map((l) => l.object).sort(), clusterScoped, 'cluster-scoped objects are marked');
      await dialog.getByText(`These ${objects.length} objects will be removed`).waitFor();

      const confirm = dialog.getByRole('button', { name: 'Delete', exact: true });
      assert.equal(await confirm.isDisabled(), true, 'Delete waits for the name');
      const name = field(dialog, 'Type reports to confirm');
      await name.fill('report');
      assert.equal(await confirm.isDisabled(), true, 'a part of the name is not enough');
      await name.fill('reports');
      await page.waitForFunction(() => {
        const button = [...document.querySelectorAll('[role="dialog"] button')].find((b) => b.textContent?.trim() === 'Delete');
        return button !== undefined && !button.disabled;
      });
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'delete-preview');

      // The list shows the application while its objects go, then drops it without a reload.
      await confirm.click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.evaluate(() => (window.__notReloaded = true));
      for (const object of objects) {
        await eventually(async () => (await cluster.get(objectPath(object))).status === 404, `${label(object)} is gone from the cluster`);
      }
      await page.getByRole('heading', { name: 'Create your first application' }).waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('[data-app="reports"]').count(), 0, 'the app is gone from the list');
      assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the list was not reloaded');
      await screenshotThemes(page, 'applications-after-delete');
    });
  });

  test('scenario 7: an HTTPRoute on a picked Gateway with a rate limit, default deny, a certificate and RBAC, built in the forms, run on the cluster', async () => {
    const { account, token, clusterId } = await seededAccount('judy');
    // What a platform team provides: a shared Gateway and a ClusterIssuer, for the pickers to offer.
    for (const [apiPath, object] of [
      ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra' } }],
      [
        '/apis/gateway.networking.k8s.io/v1/namespaces/infra/gateways',
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'public', namespace: 'infra' },
          spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'All' } } }] },
        },
      ],
      [
        '/apis/cert-manager.io/v1/clusterissuers',
        { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { selfSigned: {} } },
      ],
    ]) {
      const made = await cluster.request('POST', apiPath, object);
      assert.equal(made.status, 201, `${object.kind} ${object.metadata.name}: ${JSON.stringify(made.body)}`);
    }
    const app = await api.createDeployment(token, {
      clusterId,
      spec: {
        name: 'orders',
        namespace: 'orders',
        createNamespace: true,
        workloads: [
          {
            name: 'orders',
            kind: 'Deployment',
            replicas: 1,
            containers: [{ name: 'api', image: 'ghcr.io/acme/orders:2.1', ports: [{ name: 'http', containerPort: 8080 }] }],
          },
        ],
        services: [{ ports: [{ name: 'http', port: 80, targetPort: 'http' }] }],
      },
    });

    await inFreshPage(async ({ page }) => {
      // The text box of a labelled field; a list field's open options carry the same label.
      const input = (label) => field(page, label).and(page.locator('input'));
      await logIn(page, account);
      await page.goto(`/apps/${app.id}/edit`);
      await page.getByRole('heading', { name: 'Edit orders' }).waitFor();
      await editorPage.waitForPreview(page, 'kind: Deployment');

      await editorPage.section(page, 'Networking');
      // The cluster's only Gateway is the new route's parent; its Service and port are the app's only ones.
      await page.getByRole('button', { name: 'Add HTTPRoute' }).click();
      await editorPage.waitForPreview(page, 'kind: HTTPRoute');
      await editorPage.waitForPreview(page, 'name: public');
      const hostnames = input('Hostnames');
      await hostnames.fill('orders.example.com');
      await hostnames.press('Enter');
      await page.getByRole('button', { name: 'Add rate limit' }).click();
      await input('Requests').fill('50');
      await input('Unit').click();
      await page.getByRole('option', { name: 'Per minute' }).click();
      await page.getByRole('button', { name: 'Default deny' }).click();
      await editorPage.waitForPreview(page, 'kind: BackendTrafficPolicy');
      await editorPage.waitForPreview(page, 'unit: Minute');
      await editorPage.waitForPreview(page, 'name: default-deny-ingress');
      await settled(page);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'editor-networking');

      await editorPage.section(page, 'TLS');
      // The issuer comes from the cluster's ClusterIssuers.
      await page.getByRole('button', { name: 'Add certificate' }).click();
      const dnsNames = input('DNS names');
      await dnsNames.fill('orders.example.com');
      await dnsNames.press('Enter');
      await editorPage.waitForPreview(page, 'kind: Certificate');
      await editorPage.waitForPreview(page, 'name: letsencrypt');
      await settled(page);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'editor-tls');

      await editorPage.section(page, 'Access');
      await input('Pod Security enforce level').click();
      await page.getByRole('option', { name: 'Restricted (hardened)' }).click();
      await page.getByRole('button', { name: 'Add ServiceAccount' }).click();
      await page.getByRole('button', { name: 'Add Role', exact: true }).click();
      const resources = input('Rule 1 resources');
      await resources.fill('configmaps');
      await resources.press('Enter');
      // A binding grants the app's Role to its ServiceAccount unless told otherwise.
      await page.getByRole('button', { name: 'Add RoleBinding', exact: true }).click();
      await editorPage.waitForPreview(page, 'pod-security.kubernetes.io/enforce: restricted');
      await editorPage.waitForPreview(page, 'kind: RoleBinding');
      await editorPage.waitForPreview(page, '- configmaps');
      await settled(page);
      assert.deepEqual(await seriousViolations(page), []);
      await screenshotThemes(page, 'editor-access');

      await page.getByRole('button', { name: 'Save and review' }).click();
      await page.waitForURL(/\/apps\/[^/]+\/review$/);
      await page.locator('[data-object] [data-action]').first().waitFor({ timeout: 30_000 });
      const actions = await page.locator('[data-object]').evaluateAll((rows) =>
        rows.map((row) => `${row.getAttribute('data-object')} ${row.querySelector('[data-action]')?.getAttribute('data-action')}`),
      );
      for (const kind of ['HTTPRoute', 'BackendTrafficPolicy', 'NetworkPolicy', 'Certificate', 'ServiceAccount', 'Role', 'RoleBinding']) {
        assert.ok(
          actions.some((action) => action.startsWith(`${kind}/`) && action.endsWith(' create')),
          `the review creates a ${kind}: ${actions.join(', ')}`,
        );
      }
      await reviewPage.deploy(page, app.id);
      await detailPage.waitForStatus(page, 'ready');
    });

    const saved = await api.deployment(token, app.id);
    const objects = manifestObjects(saved.yaml);
    const live = async (kind) => {
      const object = objects.find((o) => o.kind === kind);
      assert.ok(object, `the app renders a ${kind}`);
      const answer = await cluster.get(objectPath(object));
      assert.equal(answer.status, 200, `${kind} ${object.metadata.name} is on the cluster`);
      return answer.body;
    };
    const route = await live('HTTPRoute');
    assert.deepEqual(route.spec.parentRefs.map((p) => `${p.namespace}/${p.name}`), ['infra/public']);
    assert.deepEqual(route.spec.hostnames, ['orders.example.com']);
    assert.equal(route.spec.rules[0].backendRefs[0].port, 80);
    const limit = await live('BackendTrafficPolicy');
    assert.equal(limit.spec.targetRefs[0].name, route.metadata.name);
    assert.equal(JSON.stringify(limit.spec.rateLimit).includes('"requests":50'), true, JSON.stringify(limit.spec.rateLimit));
    const policy = await live('NetworkPolicy');
    assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
    assert.equal(policy.spec.ingress?.length ?? 0, 0, 'default deny allows nothing in');
    const certificate = await live('Certificate');
    assert.deepEqual(certificate.spec.issuerRef, { kind: 'ClusterIssuer', name: 'letsencrypt', group: 'cert-manager.io' });
    assert.deepEqual(certificate.spec.dnsNames, ['orders.example.com']);
    const role = await live('Role');
    assert.deepEqual(role.rules[0].resources, ['configmaps']);
    const binding = await live('RoleBinding');
    assert.equal(binding.roleRef.name, role.metadata.name);
    assert.equal(binding.subjects[0].kind, 'ServiceAccount');
    const namespace = await live('Namespace');
    assert.equal(namespace.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  test('import from a cluster: objects made with kubectl become a draft whose deploy takes them over in place', async () => {
    const { account } = await seededAccount('gina');
    const labels = { app: 'ledger' };
    const made = [
      ['/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ledger' } }],
      ['/api/v1/namespaces/ledger/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ledger-settings', labels }, data: { MODE: 'strict' } }],
      [
        '/apis/apps/v1/namespaces/ledger/deployments',
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'ledger', labels },
          spec: {
            replicas: 1,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [{ name: 'ledger', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] } },
          },
        },
      ],
    ];
    for (const [path, object] of made) {
      const created = await cluster.request('POST', path, object);
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const deploymentPath = '/apis/apps/v1/namespaces/ledger/deployments/ledger';
    const uid = (await cluster.get(deploymentPath)).body.metadata.uid;

    await inFreshPage(async ({ page }) => {
      await logIn(page, account);
      await importPage.open(page, 'cluster');
      await page.waitForFunction(() => [...document.querySelectorAll('input')].some((i) => i.labels?.[0]?.textContent?.startsWith('Cluster') && i.value === 'test'));
      await page.getByRole('combobox', { name: 'Namespace' }).click();
      await page.getByRole('option', { name: 'ledger' }).click();
      await field(page, 'Application name').fill('ledger');
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByRole('heading', { name: 'Import ledger' }).waitFor({ timeout: 30_000 });
      assert.equal((await importPage.object(page, 'Deployment/ledger')).outcome, 'form');
      assert.equal((await importPage.object(page, 'ConfigMap/ledger-settings')).outcome, 'form');
      await screenshot(page, 'import-cluster-report');

      await page.getByRole('link', { name: 'Review and deploy' }).click();
      await page.waitForURL(/\/apps\/[^/]+\/review$/);
      const id = new URL(page.url()).pathname.split('/')[2];
      assert.ok((await reviewPage.actions(page)).includes('adopt'), 'the imported objects are adopted');
      await page.getByText('Imported from the cluster').waitFor();
      await screenshot(page, 'import-cluster-review');
      await reviewPage.deploy(page, id);
      await detailPage.waitForStatus(page, 'ready');
    });

    const live = (await cluster.get(deploymentPath)).body;
    assert.equal(live.metadata.uid, uid, 'the Deployment was taken over, not recreated');
    assert.equal(live.metadata.labels['app.kubernetes.io/managed-by'], 'kubechart');
  });

  for (const theme of ['light', 'dark']) {
    test(`every page in the ${theme} theme: screenshot and no serious accessibility violation`, async () => {
      await inFreshPage(
        async ({ page }) => {
          const pages = [
            ['applications', '/', 'Applications'],
            ['clusters', '/clusters', 'Clusters'],
            ['new-application', '/apps/new?template=web-ingress', 'New application'],
            ['detail', `/apps/${shop.id}`, 'shop'],
            ['review', `/apps/${shop.id}/review`, 'Review shop'],
            ['edit', `/apps/${shop.id}/edit`, 'Edit shop'],
            ['profile', '/profile', 'Profile'],
            ['users', '/users', /^Users/],
            ['audit', '/audit', 'Audit log'],
          ];
          await logIn(page, alice);
          await page.evaluate((t) => localStorage.setItem('kubechart.theme', t), theme);
          const problems = [];
          for (const [name, path, heading] of pages) {
            await page.goto(path);
            await page.getByRole('heading', { name: heading, exact: true }).first().waitFor();
            await settled(page);
            assert.equal(await colorScheme(page), theme);
            await screenshot(page, `page-${name}-${theme}`);
            for (const violation of await seriousViolations(page)) problems.push(`${name}: ${violation}`);
          }
          await page.goto(`/apps/${shop.id}`);
          await page.getByRole('tab', { name: 'Map' }).click();
          await page.getByRole('button', { name: /^Deployment web, Ready/ }).waitFor();
          await settled(page);
          await screenshot(page, `page-detail-map-${theme}`);
          for (const violation of await seriousViolations(page)) problems.push(`map: ${violation}`);
          await page.evaluate(() => localStorage.removeItem('kubechart.token'));
          await page.goto('/login');
          await page.getByRole('heading', { name: 'Sign in' }).waitFor();
          await screenshot(page, `page-login-${theme}`);
          for (const violation of await seriousViolations(page)) problems.push(`login: ${violation}`);
          assert.deepEqual(problems, []);
        },
        { colorScheme: theme },
      );
    });
  }
});
