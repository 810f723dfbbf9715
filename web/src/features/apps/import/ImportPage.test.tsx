import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setToken } from '../../../lib/token';
import { expectFieldError, field } from '../../../test/fields';
import { apiError, json, makeUser, mockApi, type Handler } from '../../../test/mockApi';
import { renderApp } from '../../../test/renderApp';

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      dnsPolicy: ClusterFirstWithHostNet
`;

const spec = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [{ name: 'web', image: 'nginx:1.27' }] }],
  overrides: [{ kind: 'Deployment', name: 'web', patch: { spec: { template: { spec: { dnsPolicy: 'ClusterFirstWithHostNet' } } } } }],
};

const report = {
  objects: [
    {
      document: 0,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      outcome: 'form',
      fields: 6,
      entry: 'workloads[0]',
      formFields: ['metadata.name', 'spec.template.spec.containers[0].image'],
      overrideFields: ['spec.template.spec.dnsPolicy'],
    },
  ],
  summary: { objects: 1, formEntries: 1, extraObjects: 0, refused: 0, formFields: 2, overrideFields: 1, extraObjectFields: 0 },
};

const cluster = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  name: 'test',
  source: 'kubeconfig',
  serverUrl: 'https://127.0.0.1:6443',
  context: 'test',
  kubeconfigPath: null,
  defaultNamespace: null,
  shared: false,
  hasCredentials: true,
  owner: { id: makeUser().id, username: 'alice' },
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
};

const draft = {
  id: 'd0000000-0000-4000-8000-000000000007',
  owner: { id: makeUser().id, username: 'alice' },
  name: 'shop',
  namespace: 'shop',
  clusterId: cluster.id,
  spec,
  yaml: '',
  status: 'draft',
  statusReason: null,
  revision: 1,
  appliedRevision: null,
  adoptsOnDeploy: true,
  resourceCount: 1,
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  appliedAt: null,
};

const rendered = { yaml: 'kind: Deployment\n', objects: [], resourceCount: 1, warnings: [] as string[] };

function signedIn(routes: Record<string, Handler>) {
  setToken('tok-alice');
  return mockApi({
    'GET /api/v1/auth/me': () => json(200, makeUser()),
    'POST /api/v1/render': () => json(200, rendered),
    ...routes,
  });
}

function location(): string {
  return screen.getByTestId('location').textContent ?? '';
}

describe('import', () => {
  it('sends the pasted manifests, shows the report first, then opens the editor with the spec', async () => {
    const api = signedIn({ 'POST /api/v1/import': () => json(200, { spec, report }) });
    const { user } = renderApp('/apps/import');
    await user.click(await screen.findByLabelText('Manifests'));
    await user.paste(manifests);
    await user.type(field('Namespace'), 'shop');
    await user.click(screen.getByRole('button', { name: 'Import' }));

    await screen.findByRole('heading', { name: 'Import shop' });
    expect(api.calls('POST', '/api/v1/import').map((call) => call.body)).toEqual([{ yaml: manifests, namespace: 'shop', name: null }]);
    const entry = document.querySelector<HTMLElement>('[data-object="Deployment/web"]')!;
    expect(within(entry).getByText('2 in the form · 1 in the override')).toBeInTheDocument();
    // Nothing opened yet: the report is read first.
    expect(location()).toBe('/apps/import');

    await user.click(screen.getByRole('button', { name: 'Open in editor' }));
    await screen.findByRole('heading', { name: 'New application' });
    expect(location()).toBe('/apps/new');
    expect(field('Application name')).toHaveValue('shop');
    // The override the form does not show is in the spec the preview renders.
    await waitFor(() => expect(api.calls('POST', '/api/v1/render').length).toBeGreaterThan(0));
    const calls = api.calls('POST', '/api/v1/render');
    expect((calls[calls.length - 1]!.body as { spec: typeof spec }).spec.overrides).toEqual(spec.overrides);
  });

  it('goes back to the input from the report with the text kept', async () => {
    signedIn({ 'POST /api/v1/import': () => json(200, { spec, report }) });
    const { user } = renderApp('/apps/import');
    await user.click(await screen.findByLabelText('Manifests'));
    await user.paste(manifests);
    await user.click(screen.getByRole('button', { name: 'Import' }));
    await user.click(await screen.findByRole('button', { name: 'Change the input' }));
    expect(await screen.findByLabelText('Manifests')).toHaveValue(manifests);
  });

  it('asks for manifests before sending anything', async () => {
    const api = signedIn({});
    const { user } = renderApp('/apps/import');
    await screen.findByLabelText('Manifests');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText('Paste manifests or upload a file.')).toBeInTheDocument();
    expect(api.calls('POST', '/api/v1/import')).toHaveLength(0);
  });

  it('shows a refusal at its document and field, and a request field error at the field', async () => {
    signedIn({
      'POST /api/v1/import': () =>
        apiError(422, 'invalid_input', 'nothing can be imported', [
          { path: 'documents[1].metadata.name', message: 'is required' },
          { path: 'namespace', message: 'the objects are in several namespaces (a, b): pick one' },
        ]),
    });
    const { user, queryClient } = renderApp('/apps/import');
    queryClient.setDefaultOptions({ mutations: { retry: false } });
    await user.click(await screen.findByLabelText('Manifests'));
    await user.paste(manifests);
    await user.click(screen.getByRole('button', { name: 'Import' }));

    const alert = await screen.findByRole('alert');
    const problem = within(alert).getByText((_, element) => element?.hasAttribute('data-problem') ?? false);
    expect(problem).toHaveTextContent('Document 2 · metadata.name: Is required.');
    await expectFieldError('Namespace', 'The objects are in several namespaces (a, b): pick one.');
    expect(location()).toBe('/apps/import');
  });

  it('imports a namespace of a cluster as a draft and offers its review', async () => {
    const api = signedIn({
      'GET /api/v1/clusters': () => json(200, [cluster]),
      [`GET /api/v1/clusters/${cluster.id}/namespaces`]: () => json(200, { namespaces: ['default', 'shop'] }),
      [`POST /api/v1/clusters/${cluster.id}/import`]: () =>
        json(201, {
          deployment: draft,
          report: {
            ...report,
            skipped: [{ object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'shop', name: 'web-5d8f' }, reason: 'made by a controller' }],
            unlisted: [],
          },
        }),
    });
    const { user } = renderApp('/apps/import?from=cluster');
    // The only cluster is picked; its namespaces are offered.
    await waitFor(() => expect(field('Cluster')).toHaveValue('test'));
    await user.click(field('Namespace'));
    await user.click(await screen.findByRole('option', { name: 'shop' }));
    await user.type(field('Label selector'), 'app=shop');
    await user.click(screen.getByRole('button', { name: 'Import' }));

    await screen.findByRole('heading', { name: 'Import shop' });
    expect(api.calls('POST', `/api/v1/clusters/${cluster.id}/import`).map((call) => call.body)).toEqual([
      { namespace: 'shop', selector: 'app=shop', name: null },
    ]);
    expect(document.querySelector('[data-skipped]')).toHaveTextContent('ReplicaSet/web-5d8f made by a controller');
    expect(screen.getByRole('link', { name: 'Review and deploy' })).toHaveAttribute('href', `/apps/${draft.id}/review`);
    expect(screen.getByRole('link', { name: 'Open in editor' })).toHaveAttribute('href', `/apps/${draft.id}/edit`);
  });

  it('is offered on the empty applications page', async () => {
    signedIn({});
    const { user } = renderApp('/');
    await screen.findByRole('heading', { name: 'Create your first application' });
    await user.click(screen.getByRole('button', { name: 'Import' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Import from cluster' }));
    await waitFor(() => expect(location()).toBe('/apps/import?from=cluster'));
  });
});
