import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Deployment, DeploymentResources } from '../../../api/types';
import { setToken } from '../../../lib/token';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { json, mockApi } from '../../../test/mockApi';
import { ResourceMap } from './ResourceMap';

const id = '3c1e6f0a-7d1b-4b8e-9f00-00000000d002';

const spec = {
  name: 'shop',
  workloads: [{ name: 'web', containers: [{ name: 'web', image: 'nginx', envFrom: [{ configMap: 'settings' }] }] }],
  services: [{ ports: [{ port: 80 }] }],
  ingresses: [{ rules: [{ paths: [{ path: '/' }] }] }],
};

const deployment: Deployment = {
  id,
  owner: { id: '0b0a7b4e-8a8e-4c47-9d43-5a3c2f6b9a01', username: 'alice' },
  name: 'shop',
  namespace: 'shop',
  clusterId: '9d6a0f3e-0000-4000-8000-00000000c001',
  spec,
  yaml: '',
  status: 'degraded',
  statusReason: null,
  revision: 1,
  appliedRevision: 1,
  adoptsOnDeploy: false,
  resourceCount: 5,
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  appliedAt: '2026-11-01T10:00:00Z',
};

const object = (kind: string, name: string, state: string, reason = '', extra = {}) => ({
  apiVersion: 'v1',
  kind,
  name,
  namespace: 'shop',
  health: { state, reason },
  ...extra,
});

const resources = (appliedRevision = 1) =>
  ({
    appliedRevision,
    status: 'degraded',
    statusReason: null,
    health: { state: 'Failed', reason: 'Deployment web: 1 of 2 pods failing' },
    objects: [
      object('Namespace', 'shop', 'Untracked'),
      object('ConfigMap', 'settings', 'Untracked'),
      object('Deployment', 'web', 'InProgress', '1 of 2 ready', {
        pods: [
          { name: 'web-a', namespace: 'shop', phase: 'Running', health: { state: 'Current', reason: '' }, containers: [], containerCount: 1, readyContainers: 1, restarts: 0, ageSeconds: 5, createdAt: null, node: 'n1' },
          { name: 'web-b', namespace: 'shop', phase: 'Pending', health: { state: 'Failed', reason: 'ImagePullBackOff' }, containers: [], containerCount: 1, readyContainers: 0, restarts: 0, ageSeconds: 5, createdAt: null, node: 'n1' },
        ],
      }),
      object('Service', 'web', 'Current'),
      object('Ingress', 'shop', 'Current'),
    ],
  }) as unknown as DeploymentResources;

function show(props: { deployment?: Deployment } = {}) {
  const onSelect = vi.fn();
  const user = userEvent.setup();
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <ResourceMap deployment={props.deployment ?? deployment} onSelect={onSelect} />
    </Providers>,
  );
  return { user, onSelect };
}

describe('ResourceMap', () => {
  it('draws every object as a focusable node named with its kind and health, and links them as the spec says', async () => {
    setToken('tok-alice');
    mockApi({ [`GET /api/v1/deployments/${id}/resources`]: () => json(200, resources()) });
    show();
    const map = await screen.findByRole('group', { name: 'Resource map of shop' });
    const nodes = within(map).getAllByRole('button');
    expect(nodes.map((node) => node.getAttribute('aria-label'))).toEqual([
      'Ingress shop, Ready',
      'Service web, Ready',
      'Deployment web, In progress: 1 of 2 ready',
      'ConfigMap settings, Applied',
      'Pod web-a, Ready',
      'Pod web-b, Failed: ImagePullBackOff',
    ]);
    for (const node of nodes) expect(node).toHaveAttribute('tabindex', '0');
    const edges = [...map.querySelectorAll('[data-edge]')].map((edge) => edge.getAttribute('data-edge'));
    expect(edges).toEqual([
      'Service/web>Deployment/web',
      'Deployment/web>ConfigMap/settings',
      'Ingress/shop>Service/web',
      'Deployment/web>Pod/web-a',
      'Deployment/web>Pod/web-b',
    ]);
    expect(screen.getByText(/Not drawn: 1 Namespace/)).toBeInTheDocument();
  });

  it('selects a node by click or keyboard, naming the row of the resources list it stands for', async () => {
    setToken('tok-alice');
    mockApi({ [`GET /api/v1/deployments/${id}/resources`]: () => json(200, resources()) });
    const { user, onSelect } = show();
    await user.click(await screen.findByRole('button', { name: /^Service web/ }));
    expect(onSelect).toHaveBeenLastCalledWith({ object: 'Service/web' });
    act(() => screen.getByRole('button', { name: /^Pod web-b/ }).focus());
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith({ pod: 'web-b' });
  });

  it('reads the links from the applied revision when newer edits are not deployed yet', async () => {
    setToken('tok-alice');
    const api = mockApi({
      [`GET /api/v1/deployments/${id}/resources`]: () => json(200, resources(1)),
      [`GET /api/v1/deployments/${id}/revisions/1`]: () =>
        json(200, { number: 1, spec, yaml: '', createdAt: '2026-11-01T10:00:00Z', createdBy: null }),
    });
    // Revision 2 dropped the Service's link: the map still shows what is running.
    show({ deployment: { ...deployment, revision: 2, spec: { name: 'shop' } } });
    const map = await screen.findByRole('group', { name: 'Resource map of shop' });
    await waitFor(() => expect(map.querySelector('[data-edge="Service/web>Deployment/web"]')).not.toBeNull());
    expect(api.calls('GET', `/api/v1/deployments/${id}/revisions/1`)).toHaveLength(1);
  });

  it('says so when nothing is applied', async () => {
    setToken('tok-alice');
    mockApi({
      [`GET /api/v1/deployments/${id}/resources`]: () =>
        json(200, { appliedRevision: null, status: 'draft', statusReason: null, health: null, objects: [] }),
    });
    show();
    expect(await screen.findByText(/Nothing to draw yet/)).toBeInTheDocument();
  });
});
