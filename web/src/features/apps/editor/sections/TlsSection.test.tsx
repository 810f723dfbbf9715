import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { field } from '../../../../test/fields';
import { json } from '../../../../test/mockApi';
import { lastRendered, renderEditor } from './testEditor';

const clusterId = '5d7e2c1a-7a36-4c1e-9a55-2f0d8b3c4e01';

const spec = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [{ name: 'web', image: 'nginx:1.27' }] }],
  ingresses: [{ rules: [{ host: 'shop.example.com', paths: [{ path: '/' }] }], tls: { certificate: 'shop' } }],
} as unknown as AppSpec;

const picker = (names: string[], reason: string | null = null) => ({
  items: names.map((name) => ({ name, namespace: null, isDefault: false })),
  reason,
});

const status = {
  reachable: true,
  server: 'https://127.0.0.1:6443',
  version: 'v1.33.1',
  optionalApis: [],
  permissions: {},
  pickers: {
    clusterIssuers: picker(['letsencrypt-prod', 'letsencrypt-staging']),
    issuers: picker([], 'cert-manager’s Issuer API is not served by this cluster.'),
    gateways: picker([]),
    ingressClasses: picker([]),
    namespaces: picker(['default', 'shop']),
    storageClasses: picker([]),
  },
};

describe('TlsSection', { timeout: 40_000 }, () => {
  it('adds a certificate issued by one of the cluster’s issuers, and says why a picker is empty', async () => {
    const { api, user } = renderEditor(spec, {
      clusterId,
      routes: { [`GET /api/v1/clusters/${clusterId}/status`]: () => json(200, status) },
    });
    await user.click(screen.getByRole('button', { name: 'TLS' }));
    await waitFor(() => expect(api.calls('GET', `/api/v1/clusters/${clusterId}/status`)).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Add certificate' }));
    await waitFor(() => expect(field('Issuer').value).toBe('letsencrypt-prod'));

    await user.clear(field('Certificate name'));
    await user.type(field('Certificate name'), 'shop');
    await user.type(field('DNS names'), 'shop.example.com{Enter}');
    await user.type(field('Duration'), '720h');
    await user.clear(field('Issuer'));
    await user.click(field('Issuer'));
    await user.click(await screen.findByRole('option', { name: 'letsencrypt-staging' }));
    await waitFor(() =>
      expect(lastRendered(api).certificates).toEqual([
        { name: 'shop', issuer: { kind: 'ClusterIssuer', name: 'letsencrypt-staging' }, dnsNames: ['shop.example.com'], duration: '720h' },
      ]),
    );
    expect(field('Secret name').placeholder).toBe('shop-tls');

    await user.click(field('Issuer kind'));
    await user.click(await screen.findByRole('option', { name: 'Issuer (namespaced)' }));
    expect(await screen.findByText('cert-manager’s Issuer API is not served by this cluster.')).toBeInTheDocument();
    await waitFor(() => expect(lastRendered(api).certificates?.[0]?.issuer.kind).toBe('Issuer'));
  });
});
