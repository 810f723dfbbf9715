import { screen, waitFor, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../../../api/appspec';
import { field } from '../../../../../test/fields';
import { ContainerFields } from '../ContainerFields';
import { renderInForm } from '../testEditor';

const container = { name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] };

const base = {
  name: 'shop',
  namespace: 'shop',
  workloads: [{ name: 'web', kind: 'Deployment', containers: [container] }],
  configMaps: [{ name: 'shop-config', data: { 'app.yaml': 'debug: false\n', LOG_LEVEL: 'info' } }],
  secrets: [
    { name: 'db', data: { username: 'shop', password: 'hunter2' } },
    { name: 'shop-tls', type: 'tls' },
  ],
  persistentVolumeClaims: [{ name: 'uploads', size: '5Gi' }],
} as unknown as AppSpec;

/** The app with `spec` as its only container. */
function withContainer(spec: object): AppSpec {
  return { ...base, workloads: [{ name: 'web', kind: 'Deployment', containers: [spec] }] } as unknown as AppSpec;
}

/** The first container's fields alone in a form holding `spec`; returns the form to read the spec from. */
function renderContainer(spec: AppSpec = base) {
  const { user, values } = renderInForm(spec, <ContainerFields base="workloads.0.containers.0" />);
  return { user, values: () => values().workloads![0]!.containers![0]! };
}

type User = ReturnType<typeof userEvent.setup>;

async function open(user: User, group: string) {
  await user.click(screen.getByRole('button', { name: new RegExp(`^${group}`) }));
}

async function pick(user: User, input: HTMLElement, option: string) {
  await user.click(input);
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('ContainerFields', { timeout: 40_000 }, () => {
  it('takes an environment variable from a key of one of the app Secrets', async () => {
    const { user, values } = renderContainer();
    await open(user, 'Environment');
    await user.click(screen.getByRole('button', { name: 'Add variable' }));
    await user.type(field('Variable 1 name'), 'DB_PASSWORD');
    await pick(user, field('Variable 1 source'), 'Secret key');
    // The first Secret is proposed; the key comes from what that Secret holds.
    expect(field('Variable 1 Secret').value).toBe('db');
    await pick(user, field('Variable 1 key'), 'password');
    expect(values().env).toEqual([{ name: 'DB_PASSWORD', secretKey: { name: 'db', key: 'password' } }]);

    await user.click(screen.getByRole('button', { name: 'Add ConfigMap or Secret' }));
    await user.type(field('Import 1 prefix'), 'APP_');
    expect(values().envFrom).toEqual([{ configMap: 'shop-config', prefix: 'APP_' }]);
  });

  it('checks liveness with a TCP connection to a named port or a number', async () => {
    const { user, values } = renderContainer();
    await open(user, 'Health checks');
    const liveness = screen.getByRole('group', { name: 'Liveness probe' });
    await pick(user, within(liveness).getByLabelText('Liveness check', { selector: 'input' }), 'TCP connection');
    expect(values().livenessProbe).toEqual({ tcpSocket: 'http' });

    const port = within(liveness).getByLabelText('Port (name or number)', { selector: 'input' });
    await user.clear(port);
    await user.type(port, '9000');
    await user.type(within(liveness).getByLabelText('Initial delay (seconds)', { selector: 'input' }), '15');
    await user.type(within(liveness).getByLabelText('Failures allowed', { selector: 'input' }), '5');
    expect(values().livenessProbe).toEqual({ tcpSocket: 9000, initialDelaySeconds: 15, failureThreshold: 5 });
    expect(values().readinessProbe).toBeUndefined();
  });

  it('sets the restricted Pod Security values, keeping the rest of the security context', async () => {
    const { user, values } = renderContainer(
      withContainer({
        ...container,
        securityContext: { runAsUser: 0, readOnlyRootFilesystem: true, allowPrivilegeEscalation: true, capabilitiesAdd: ['NET_ADMIN', 'NET_BIND_SERVICE'] },
      }),
    );
    await open(user, 'Security context');
    await user.click(screen.getByRole('button', { name: 'Restricted defaults' }));
    expect(values().securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilitiesAdd: ['NET_BIND_SERVICE'],
      capabilitiesDrop: ['ALL'],
    });
    await waitFor(() => expect(field('Run as non-root').value).toBe('Yes'));
    expect(field('Allow privilege escalation').value).toBe('No');
  });

  it('mounts a ConfigMap of the app picked from its names', async () => {
    const { user, values } = renderContainer();
    await open(user, 'Volume mounts');
    await user.click(screen.getByRole('button', { name: 'Add mount' }));
    expect(field('Mount 1 source').value).toBe('ConfigMap');
    await user.clear(field('Mount 1 name'));
    await pick(user, field('Mount 1 name'), 'shop-config');
    await user.type(field('Mount 1 path'), '/etc/shop');
    await user.click(screen.getByRole('switch', { name: 'Mount 1 read-only' }));
    expect(values().volumeMounts).toEqual([{ source: 'configMap', name: 'shop-config', mountPath: '/etc/shop', readOnly: true }]);

    // Another kind of source offers that kind's names.
    await pick(user, field('Mount 1 source'), 'PersistentVolumeClaim');
    await user.clear(field('Mount 1 name'));
    await user.click(field('Mount 1 name'));
    expect(await screen.findByRole('option', { name: 'uploads' })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: 'shop-config' })).toBeNull();
  });

  it('edits the container in place, keeping what the form does not show', async () => {
    const full = {
      ...container,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'TOKEN', secretKey: { name: 'db', key: 'password', optional: true } },
        { name: 'POD', fieldPath: 'metadata.name' },
      ],
      readinessProbe: { httpGet: { path: '/ready', port: 'http', https: false }, successThreshold: 2 },
      resources: { requests: { cpu: '100m' }, limits: { memory: 512 } },
      volumeMounts: [{ source: 'secret', name: 'shop-tls', mountPath: '/tls', volume: 'certs', readOnly: true }],
    };
    const { user, values } = renderContainer(withContainer(full));

    await user.clear(field('Image'));
    await user.type(field('Image'), 'nginx:1.28');
    await open(user, 'Environment');
    await user.clear(field('Variable 1 value'));
    await user.type(field('Variable 1 value'), 'staging');
    expect(field('Variable 2 Secret').value).toBe('db');
    expect(field('Variable 3 pod field').value).toBe('metadata.name');

    // The list the form edits starts empty where the spec had none, which the server reads the same.
    expect(values()).toEqual({ ...full, image: 'nginx:1.28', env: [{ name: 'MODE', value: 'staging' }, full.env[1], full.env[2]], envFrom: [] });
  });

  it('labels every control of every group', async () => {
    const spec = withContainer({
      ...container,
      env: [
        { name: 'MODE', value: 'prod' },
        { name: 'TOKEN', secretKey: { name: 'db', key: 'password' } },
        { name: 'POD', fieldPath: 'metadata.name' },
      ],
      envFrom: [{ secret: 'db' }],
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
      livenessProbe: { tcpSocket: 'http' },
      startupProbe: { exec: ['true'] },
      securityContext: { runAsNonRoot: true, capabilitiesDrop: ['ALL'] },
      volumeMounts: [{ source: 'configMap', name: 'shop-config', mountPath: '/etc/shop' }],
    });
    const { user } = renderContainer(spec);
    for (const group of ['Environment', 'Resources', 'Health checks', 'Volume mounts', 'Security context']) await open(user, group);
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html.slice(0, 120)).join('; ')}`);
    expect(results.passes.map((rule) => rule.id)).toContain('label');
    expect(serious).toEqual([]);
  });
});
