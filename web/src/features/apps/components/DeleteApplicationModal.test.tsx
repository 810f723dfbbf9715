import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../api/types';
import { Providers } from '../../../Providers';
import { createQueryClient } from '../../../queryClient';
import { setToken } from '../../../lib/token';
import { json, mockApi } from '../../../test/mockApi';
import { DeleteApplicationModal } from './DeleteApplicationModal';

const id = '3c1e6f0a-7d1b-4b8e-9f00-00000000d001';

const deployment: Deployment = {
  id,
  owner: { id: '0b0a7b4e-8a8e-4c47-9d43-5a3c2f6b9a01', username: 'alice' },
  name: 'reports',
  namespace: 'reports',
  clusterId: '9d6a0f3e-0000-4000-8000-00000000c001',
  spec: {},
  yaml: '',
  status: 'ready',
  statusReason: null,
  revision: 1,
  appliedRevision: 1,
  adoptsOnDeploy: false,
  resourceCount: 3,
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:00:00Z',
  appliedAt: '2026-11-01T10:00:00Z',
};

const preview = {
  objects: [
    { apiVersion: 'v1', kind: 'Namespace', name: 'reports', namespace: null, clusterScoped: true },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'reports-read', namespace: null, clusterScoped: true },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reports', namespace: 'reports', clusterScoped: false },
  ],
};

function Location() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname}</output>;
}

function show() {
  const user = userEvent.setup();
  render(
    <Providers queryClient={createQueryClient({ retryDelayMs: 0 })} env="test">
      <MemoryRouter initialEntries={[`/apps/${id}`]}>
        <DeleteApplicationModal deployment={deployment} opened onClose={() => undefined} />
        <Location />
      </MemoryRouter>
    </Providers>,
  );
  return user;
}

describe('DeleteApplicationModal', () => {
  it('lists every object the cluster holds, marks the cluster-wide ones, and deletes only once the name is typed', async () => {
    setToken('tok-alice');
    const api = mockApi({
      [`GET /api/v1/deployments/${id}/delete-preview`]: () => json(200, preview),
      [`DELETE /api/v1/deployments/${id}`]: () => json(202, { operationId: 'op-1' }),
    });
    const user = show();
    const list = await screen.findByTestId('delete-preview');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.querySelector('code')?.textContent)).toEqual([
      'Namespace reports',
      'ClusterRole reports-read',
      'Deployment reports/reports',
    ]);
    expect(items.map((item) => item.textContent?.includes('cluster-wide'))).toEqual([true, true, false]);
    expect(screen.getByText('These 3 objects will be removed from the cluster:')).toBeInTheDocument();

    const confirm = screen.getByRole('button', { name: 'Delete' });
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText('Type reports to confirm'), 'report');
    expect(confirm).toBeDisabled();
    await user.type(screen.getByLabelText('Type reports to confirm'), 's');
    expect(confirm).toBeEnabled();

    await user.click(confirm);
    await waitFor(() => expect(api.calls('DELETE', `/api/v1/deployments/${id}`)).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/));
  });
});
