import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { setToken } from '../../../lib/token';
import { field } from '../../../test/fields';
import { json, makeUser, mockApi, type Handler } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

const spec = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', replicas: 1, containers: [{ name: 'web', image: 'nginx:1.27' }] }],
};

const deployment = {
  id: 'd0000000-0000-4000-8000-000000000007',
  owner: { id: makeUser().id, username: 'alice' },
  name: 'shop',
  namespace: 'shop',
  // Saving asks for a cluster.
  clusterId: 'c0ffee00-0000-4000-8000-000000000001',
  spec,
  yaml: '',
  status: 'draft',
  statusReason: null,
  revision: 1,
  appliedRevision: null,
  adoptsOnDeploy: false,
  resourceCount: 1,
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  appliedAt: null,
};

const rendered = { yaml: 'kind: Deployment\n', objects: [], resourceCount: 1, warnings: [] as string[] };
const draftKey = `kubechart.draft.${deployment.id}`;

function signedIn(routes: Record<string, Handler> = {}) {
  setToken('tok-alice');
  return mockApi({
    'GET /api/v1/auth/me': () => json(200, makeUser()),
    'POST /api/v1/render': () => json(200, rendered),
    [`GET /api/v1/deployments/${deployment.id}`]: () => json(200, deployment),
    ...routes,
  });
}

function location(): string {
  return screen.getByTestId('location').textContent ?? '';
}

/** Fires what the browser fires when the tab is closed or reloaded; true when the page asked to stay. */
function closeTab(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

async function openEditorAndChangeTheName() {
  const api = signedIn({
    [`PUT /api/v1/deployments/${deployment.id}`]: () => json(200, { ...deployment, name: 'shopx', revision: 2 }),
  });
  const app = renderApp(`/apps/${deployment.id}/edit`);
  await screen.findByRole('heading', { name: 'Edit shop' });
  await app.user.type(field('Application name'), 'x');
  // The draft is written a moment after the last keystroke.
  await waitFor(() => expect(window.localStorage.getItem(draftKey)).not.toBeNull());
  return { api, ...app };
}

describe('leaving the editor', { timeout: 40_000 }, () => {
  it('asks before leaving unsaved changes, says they stay as a draft, and stays when told to', async () => {
    const { user } = await openEditorAndChangeTheName();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });

    await user.click(within(nav).getByRole('link', { name: 'Clusters' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    expect(dialog).toHaveTextContent(
      'Your changes stay as a local draft in this browser only, not on the server: editing shop again brings them back, as long as nobody saves a newer revision of it first.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Stay on this page' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(location()).toBe(`/apps/${deployment.id}/edit`);
    expect(field('Application name')).toHaveValue('shopx');

    await user.click(within(nav).getByRole('link', { name: 'Clusters' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Leave' }));
    await waitFor(() => expect(location()).toBe('/clusters'));
    // What the dialog promised: the draft is still there.
    expect(JSON.parse(window.localStorage.getItem(draftKey)!).spec.name).toBe('shopx');
  });

  it('asks the browser to confirm closing the tab only while there are unsaved changes', async () => {
    signedIn();
    const { user } = renderApp(`/apps/${deployment.id}/edit`);
    await screen.findByRole('heading', { name: 'Edit shop' });
    expect(closeTab()).toBe(false);
    await user.type(field('Application name'), 'x');
    expect(closeTab()).toBe(true);
  });

  it('leaves without asking when nothing changed', async () => {
    signedIn();
    const { user } = renderApp(`/apps/${deployment.id}/edit`);
    await screen.findByRole('heading', { name: 'Edit shop' });
    await user.click(screen.getByRole('link', { name: 'Applications' }));
    await waitFor(() => expect(location()).toBe('/'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('goes to the review without asking after a successful save', async () => {
    const { api, user } = await openEditorAndChangeTheName();
    await user.click(screen.getByRole('button', { name: 'Save and review' }));
    await waitFor(() => expect(location()).toBe(`/apps/${deployment.id}/review`));
    expect(api.calls('PUT', `/api/v1/deployments/${deployment.id}`)).toHaveLength(1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(closeTab()).toBe(false);
  });

  it('leaves no draft behind when the save comes before the draft was written', async () => {
    signedIn({
      [`PUT /api/v1/deployments/${deployment.id}`]: () => json(200, { ...deployment, name: 'shopx', revision: 2 }),
    });
    const { user } = renderApp(`/apps/${deployment.id}/edit`);
    await screen.findByRole('heading', { name: 'Edit shop' });
    await user.type(field('Application name'), 'x');
    // Saved at once: the draft of that last keystroke is still pending.
    fireEvent.click(screen.getByRole('button', { name: 'Save and review' }));
    await waitFor(() => expect(location()).toBe(`/apps/${deployment.id}/review`));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(window.localStorage.getItem(draftKey)).toBeNull();
  });

  it('says the changes are lost when this browser could not keep the draft', async () => {
    signedIn();
    const { user } = renderApp('/apps/new');
    await screen.findByRole('heading', { name: 'New application' });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await user.type(field('Application name'), 'shop');
    fireEvent.click(screen.getByRole('link', { name: 'Profile' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    await waitFor(() => expect(dialog).toHaveTextContent('leaving loses them'));
    vi.restoreAllMocks();
  });
});
