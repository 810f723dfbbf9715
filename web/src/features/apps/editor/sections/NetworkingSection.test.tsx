import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../api/appspec';
import { field } from '../../../../test/fields';
import { NetworkingSection } from './NetworkingSection';
import { pick, picker, renderInForm, retype } from './testEditor';

const base = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] }],
  services: [{ ports: [{ port: 80, targetPort: 'http' }] }],
} as unknown as AppSpec;

const pickers = {
  ingressClasses: picker([{ name: 'nginx' }]),
  gateways: picker([
    { name: 'public', namespace: 'infra' },
    { name: 'internal', namespace: 'infra' },
  ]),
};

/** The section alone in a form holding `spec`, on a cluster with `given` pickers. */
function renderSection(spec: AppSpec, given: Partial<typeof pickers> = pickers) {
  return renderInForm(spec, <NetworkingSection clusterId="c1" />, given);
}

describe('NetworkingSection', { timeout: 40_000 }, () => {
  it('adds a default-deny policy: every pod, ingress restricted, no rules', async () => {
    const { user, values } = renderSection(base);
    await user.click(screen.getByRole('button', { name: 'Default deny' }));
    expect(values().networkPolicies).toEqual([{ name: 'default-deny-ingress', restrictIngress: true, ingress: [] }]);
    expect(screen.getByText('No rules: all incoming traffic is denied.')).toBeInTheDocument();
    expect(screen.getByRole('switch', { name: 'Restrict incoming traffic' })).toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Default deny' }));
    expect(values().networkPolicies?.map((policy) => policy.name)).toEqual(['default-deny-ingress', 'default-deny-ingress-2']);
  });

  it('builds an HTTPRoute on a Gateway of the cluster, and a rate limit on it', async () => {
    const { user, values } = renderSection(base);
    expect(screen.getByRole('button', { name: 'Add rate limit' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Add HTTPRoute' }));
    await screen.findByPlaceholderText('Pick a Gateway');
    await pick(user, 'Gateway 1', 'public (infra)');
    await user.type(field('Hostnames'), 'shop.example.com{Enter}');
    await user.clear(field('Path'));
    await user.type(field('Path'), '/api');
    await pick(user, 'Backend 1 Service', 'web');
    await pick(user, 'Backend 1 port', 'http (80)');

    expect(values().httpRoutes).toEqual([
      {
        parents: [{ name: 'public', namespace: 'infra' }],
        hostnames: ['shop.example.com'],
        rules: [{ path: '/api', backends: [{ service: 'web', port: 'http' }] }],
      },
    ]);

    await user.click(screen.getByRole('button', { name: 'Add rate limit' }));
    await user.clear(field('Requests'));
    await user.type(field('Requests'), '20');
    await pick(user, 'Kind', 'Global (across all instances)');
    await user.click(screen.getByRole('switch', { name: /^Per client IP/ }));
    expect(values().rateLimits).toEqual([{ requests: 20, unit: 'Second', type: 'Global', perClientIp: true }]);
  });

  it('takes a typed Gateway name, saying why, when the cluster has no Gateway API', async () => {
    const reason = 'The Gateway API (gateway.networking.k8s.io) is not installed.';
    const { user, values } = renderSection(base, { ...pickers, gateways: picker([], reason) });
    expect(await screen.findByText(reason)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add HTTPRoute' }));
    await user.type(field('Gateway 1'), 'edge');
    await user.type(field('Gateway 1 namespace'), 'infra');
    expect(field('Gateway 1')).toHaveAccessibleDescription(reason);
    expect(values().httpRoutes?.[0]?.parents).toEqual([{ name: 'edge', namespace: 'infra' }]);
  });

  it('edits rules and paths in place, keeping what the form does not show', async () => {
    const spec = {
      ...base,
      services: [{ ports: [{ name: 'web', port: 80, targetPort: 'http', nodePort: 30080 }], annotations: { 'lb.example/tier': 'edge' } }],
      ingresses: [
        {
          className: 'nginx',
          annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
          tls: { secretName: 'shop-tls' },
          rules: [{ host: 'shop.example.com', paths: [{ path: '/', pathType: 'Prefix', port: 80 }] }],
        },
      ],
      networkPolicies: [
        {
          name: 'from-lb',
          ingress: [{ peers: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], ports: [{ port: 'http', protocol: 'TCP' }] }],
        },
      ],
    } as unknown as AppSpec;
    const { user, values } = renderSection(spec);

    const rule = screen.getByRole('group', { name: 'Rule 1' });
    await retype(user, within(rule).getByLabelText('Host'), 'www.example.com');
    await user.click(within(rule).getByRole('button', { name: 'Add path' }));
    await user.clear(within(rule).getByLabelText('Path 2'));
    await user.type(within(rule).getByLabelText('Path 2'), '/api');
    await retype(user, field('Policy name'), 'from-balancer');

    const after = values();
    expect(after.ingresses).toEqual([
      {
        className: 'nginx',
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
        tls: { secretName: 'shop-tls' },
        rules: [{ host: 'www.example.com', paths: [{ path: '/', pathType: 'Prefix', port: 80 }, { path: '/api' }] }],
      },
    ]);
    expect(after.services).toEqual(spec.services);
    expect(after.networkPolicies).toEqual([{ ...spec.networkPolicies![0], name: 'from-balancer' }]);
    await waitFor(() => expect(field('Source 1 CIDR').value).toBe('10.0.0.0/8'));
  });
});
