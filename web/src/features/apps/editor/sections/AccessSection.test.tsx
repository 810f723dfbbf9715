import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { expectFieldError, field } from '../../../../test/fields';
import { lastRendered, renderEditor } from './testEditor';

const base = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [{ name: 'web', image: 'nginx:1.27' }] }],
};

async function openAccess(user: ReturnType<typeof renderEditor>['user']) {
  await user.click(screen.getByRole('button', { name: 'Access' }));
}

describe('AccessSection', { timeout: 40_000 }, () => {
  it('writes the Pod Security level as a namespace label and keeps the other labels', async () => {
    const spec = { ...base, createNamespace: true, namespaceLabels: { team: 'shop', 'pod-security.kubernetes.io/warn': 'baseline' } } as AppSpec;
    const { api, user } = renderEditor(spec);
    await openAccess(user);
    expect(field('Pod Security warn level').value).toBe('Baseline (no known privilege escalations)');

    await user.click(field('Pod Security enforce level'));
    await user.click(await screen.findByRole('option', { name: 'Restricted (hardened)' }));
    await waitFor(() =>
      expect(lastRendered(api).namespaceLabels).toEqual({
        team: 'shop',
        'pod-security.kubernetes.io/warn': 'baseline',
        'pod-security.kubernetes.io/enforce': 'restricted',
      }),
    );

    const warn = field('Pod Security warn level').closest('.mantine-InputWrapper-root') as HTMLElement;
    await user.click(within(warn).getByRole('button', { hidden: true }));
    await waitFor(() =>
      expect(lastRendered(api).namespaceLabels).toEqual({ team: 'shop', 'pod-security.kubernetes.io/enforce': 'restricted' }),
    );
  });

  it('builds a Role rule from picked resources and verbs, bringing the resources’ API groups along', async () => {
    const { api, user } = renderEditor(base as AppSpec);
    await openAccess(user);
    await user.click(screen.getByRole('button', { name: 'Add Role' }));
    await user.clear(field('Role name'));
    await user.type(field('Role name'), 'deployer');

    await user.type(field('Rule 1 resources'), 'deployments{Enter}');
    await user.type(field('Rule 1 resources'), 'pods{Enter}');
    await user.type(field('Rule 1 verbs'), 'patch{Enter}');
    await waitFor(() =>
      expect(lastRendered(api).roles).toEqual([
        {
          name: 'deployer',
          rules: [{ apiGroups: ['apps', ''], resources: ['deployments', 'pods'], verbs: ['get', 'list', 'watch', 'patch'] }],
        },
      ]),
    );
    // The core group shows under its name, since a tag cannot be empty.
    const groups = field('Rule 1 API groups').closest('.mantine-InputWrapper-root') as HTMLElement;
    expect(within(groups).getByText('core')).toBeInTheDocument();
  });

  it('binds one of the app’s Roles to one of its ServiceAccounts, or to a user', async () => {
    const spec = {
      ...base,
      serviceAccounts: [{ name: 'shop-sa', automountToken: false }],
      roles: [{ name: 'reader', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
    } as AppSpec;
    const { api, user } = renderEditor(spec);
    await openAccess(user);
    expect(field('Mount the API token into pods').value).toBe('No');

    await user.click(screen.getByRole('button', { name: 'Add RoleBinding' }));
    await waitFor(() =>
      expect(lastRendered(api).roleBindings).toEqual([
        { name: 'rolebinding-1', role: { kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'shop-sa' }] },
      ]),
    );

    await user.click(screen.getByRole('button', { name: 'Add subject' }));
    await user.click(field('Subject 2 kind'));
    await user.click(await screen.findByRole('option', { name: 'User' }));
    await user.clear(field('Subject 2 name'));
    await user.type(field('Subject 2 name'), 'jane');
    await waitFor(() =>
      expect(lastRendered(api).roleBindings?.[0]?.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'shop-sa' },
        { kind: 'User', name: 'jane' },
      ]),
    );
    expect(lastRendered(api).serviceAccounts).toEqual(spec.serviceAccounts);
  });

  it('sets a ResourceQuota’s hard limits as quantities', async () => {
    const { api, user } = renderEditor(base as AppSpec);
    await openAccess(user);
    await user.click(screen.getByRole('switch', { name: 'Limit what the namespace may use (ResourceQuota)' }));
    await user.type(field('CPU requests'), '4');
    await user.type(field('Memory limits'), '8Gi');
    await user.type(field('Other limit'), 'count/deployments.apps{Enter}');
    await user.type(field('count/deployments.apps'), '5');
    await waitFor(() =>
      expect(lastRendered(api).resourceQuota).toEqual({
        hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', 'count/deployments.apps': '5' },
      }),
    );

    await user.type(field('Pods'), 'lots');
    await expectFieldError('Pods', 'Use a quantity such as 4, 500m or 8Gi');
  });
});
