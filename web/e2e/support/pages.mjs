// Page objects: what a person does on each page, in the words of the page (labels and buttons), so
// scenarios read as the journey and survive layout changes.
import assert from 'node:assert/strict';

/** The input labelled `label` inside `scope`; a required field's label ends in an asterisk. */
export function field(scope, label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return scope.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
}

export const clustersPage = {
  async addFromKubeconfigFile(page, { name, kubeconfigPath }) {
    await page.goto('/clusters');
    await page.getByRole('heading', { name: 'Clusters' }).waitFor();
    await page.getByRole('button', { name: 'Add cluster' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add a cluster' });
    await field(dialog, 'Name').fill(name);
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Upload kubeconfig' }).click();
    await (await chooser).setFiles(kubeconfigPath);
    // The current context of the file is picked once it is read.
    await page.waitForFunction(() => {
      const input = [...document.querySelectorAll('input')].find((i) => i.labels?.[0]?.textContent?.startsWith('Context'));
      return input !== undefined && input.value !== '';
    });
    await dialog.getByRole('button', { name: 'Add cluster' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`[data-cluster="${name}"]`).getByText('Reachable').waitFor({ timeout: 20_000 });
  },
};

export const editorPage = {
  /** The error text attached to the input labelled `label` (Mantine links it with aria-describedby). */
  async fieldError(page, label) {
    const input = field(page, label);
    const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/);
    const errorId = ids.find((id) => id.endsWith('-error'));
    if (!errorId) return null;
    return page.locator(`[id="${errorId}"]`).textContent();
  },

  async section(page, name) {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: new RegExp(`^${name}`) }).click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
  },

  async waitForPreview(page, text) {
    await page.waitForFunction(
      (expected) => document.querySelector('[data-testid="preview-yaml"]')?.textContent?.includes(expected),
      text,
      { timeout: 10_000 },
    );
  },
};

export const importPage = {
  /** Opens the import from the Import menu of `from` (Applications or New application), on the tab for `source`. */
  async open(page, source, from = '/') {
    await page.goto(from);
    await page.getByRole('heading', { name: from === '/' ? /^(Applications|Create your first application)$/ : 'New application' }).first().waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('menuitem', { name: source === 'cluster' ? 'Import from cluster' : 'Import YAML' }).click();
    await page.getByRole('heading', { name: 'Import an application' }).waitFor();
  },

  /** Pastes manifests and imports them; resolves when the report is shown. */
  async importYaml(page, yaml, { name } = {}) {
    await field(page, 'Manifests').fill(yaml);
    if (name) await field(page, 'Application name').fill(name);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('[data-object]').first().waitFor();
  },

  /** One object of the report (`Kind/name`): its outcome and, once opened, its field lists. */
  async object(page, label) {
    const entry = page.locator(`[data-object="${label}"]`);
    const control = entry.getByRole('button').first();
    if ((await control.getAttribute('aria-expanded')) !== 'true') await control.click();
    const fields = async (title) => entry.locator(`[data-fields="${title}"] code`).allTextContents();
    return {
      outcome: await entry.getAttribute('data-outcome'),
      form: await fields('In the form'),
      override: await fields('In the override'),
    };
  },

  async stat(page, name) {
    return Number(await page.locator(`[data-stat="${name}"] p`).first().textContent());
  },
};

export const reviewPage = {
  async actions(page) {
    await page.locator('[data-action]').first().waitFor({ timeout: 30_000 });
    return page.locator('[data-object] [data-action]').evaluateAll((badges) => badges.map((b) => b.getAttribute('data-action')));
  },

  /** Deploys and waits for the operation to finish: the page then opens the application's detail. */
  async deploy(page, id) {
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/apps/${id}`, { timeout: 60_000 });
  },
};

export const detailPage = {
  async waitForStatus(page, status, timeout = 60_000) {
    await page.locator(`[data-status="${status}"]`).first().waitFor({ timeout });
  },
};

/**
 * Waits until the page shows what it loaded: no region is busy (skeletons, the manifest preview while
 * it renders), as a person would wait for the spinners to go.
 */
export async function settled(page, timeout = 15_000) {
  await page.waitForFunction(() => document.querySelector('[aria-busy="true"]') === null, null, { timeout });
}

export function assertAll(values, expected, what) {
  assert.ok(values.length > 0, `${what}: nothing listed`);
  assert.deepEqual([...new Set(values)], [expected], `${what}: ${values.join(', ')}`);
}
