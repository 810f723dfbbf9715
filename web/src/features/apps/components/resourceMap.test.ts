import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../api/appspec';
import type { LiveObject, LivePod, LiveState } from '../../../api/types';
import { buildResourceMap, layoutResourceMap, MAX_PODS, specEdges, worstState } from './resourceMap';

const container = { name: 'app', image: 'ghcr.io/acme/shop:1' };

function live(kind: string, name: string, state: LiveState = 'Current', pods?: LivePod[]): LiveObject {
  return { apiVersion: 'v1', kind, name, namespace: 'shop', health: { state, reason: '' }, ...(pods ? { pods } : {}) };
}

function pod(name: string, state: LiveState = 'Current'): LivePod {
  return {
    name,
    namespace: 'shop',
    phase: 'Running',
    health: { state, reason: state === 'Failed' ? 'CrashLoopBackOff' : '' },
    containers: [],
    containerCount: 1,
    readyContainers: 1,
    restarts: 0,
    ageSeconds: 60,
    createdAt: null,
    node: 'node-1',
  } as LivePod;
}

const edgeList = (spec: AppSpec) => specEdges(spec).map((e) => `${e.from} -${e.kind}-> ${e.to}`);

describe('specEdges', () => {
  it('follows Ingress paths and HTTPRoute backends to Services, and a Service to its workload', () => {
    const spec: AppSpec = {
      name: 'shop',
      workloads: [
        { name: 'web', containers: [container] },
        { name: 'db', kind: 'StatefulSet', containers: [container] },
      ],
      services: [
        { workload: 'web', ports: [{ port: 80 }] },
        { name: 'db-svc', workload: 'db', ports: [{ port: 5432 }] },
      ],
      ingresses: [{ rules: [{ host: 'shop.example', paths: [{ path: '/', service: 'web' }] }], tls: { certificate: 'shop-cert' } }],
      httpRoutes: [
        { name: 'api', parents: [{ name: 'gw' }], rules: [{ backends: [{ service: 'web' }, { service: 'db-svc' }] }], certificate: 'shop-cert' },
      ],
      rateLimits: [{ requests: 10 }],
      certificates: [{ name: 'shop-cert', issuer: { name: 'le' } }],
    } as AppSpec;
    expect(edgeList(spec)).toEqual([
      // A Service without a name takes its workload's.
      'Service/web -selects-> Deployment/web',
      'Service/db-svc -selects-> StatefulSet/db',
      // An Ingress without a name takes the app's.
      'Ingress/shop -routes-> Service/web',
      'Ingress/shop -secures-> Certificate/shop-cert',
      'HTTPRoute/api -routes-> Service/web',
      'HTTPRoute/api -routes-> Service/db-svc',
      'HTTPRoute/api -secures-> Certificate/shop-cert',
      // The only route, and the default policy name `<route>-ratelimit`.
      'BackendTrafficPolicy/api-ratelimit -limits-> HTTPRoute/api',
    ]);
  });

  it('resolves an omitted reference only when there is exactly one candidate', () => {
    const one: AppSpec = {
      name: 'shop',
      workloads: [{ name: 'web', containers: [container] }],
      services: [{ ports: [{ port: 80 }] }],
      ingresses: [{ name: 'front', rules: [{ paths: [{ path: '/' }] }] }],
    } as AppSpec;
    expect(edgeList(one)).toEqual(['Service/web -selects-> Deployment/web', 'Ingress/front -routes-> Service/web']);

    const two: AppSpec = {
      ...one,
      workloads: [
        { name: 'web', containers: [container] },
        { name: 'worker', containers: [container] },
      ],
    } as AppSpec;
    // No workload named and two to choose from: no workload edge, and the Service takes the app's name.
    expect(edgeList(two)).toEqual(['Ingress/front -routes-> Service/shop']);
  });

  it('finds the ConfigMaps, Secrets and claims a workload uses through env, envFrom, volumes and claim templates', () => {
    const spec: AppSpec = {
      name: 'shop',
      workloads: [
        {
          name: 'db',
          kind: 'StatefulSet',
          serviceAccount: 'db-sa',
          initContainers: [{ ...container, envFrom: [{ configMap: 'init-env' }] }],
          containers: [
            {
              ...container,
              env: [
                { name: 'A', configMapKey: { name: 'settings', key: 'a' } },
                { name: 'B', secretKey: { name: 'creds', key: 'b' } },
                { name: 'C', value: 'literal' },
              ],
              envFrom: [{ secret: 'creds' }],
              volumeMounts: [
                { source: 'configMap', name: 'files', mountPath: '/etc/files' },
                { source: 'secret', name: 'keys', mountPath: '/etc/keys' },
                { source: 'persistentVolumeClaim', name: 'shared', mountPath: '/shared' },
                { source: 'claimTemplate', name: 'data', mountPath: '/data' },
                { source: 'emptyDir', name: 'scratch', mountPath: '/tmp' },
              ],
            },
          ],
          statefulSet: { volumeClaimTemplates: [{ name: 'data', size: '1Gi' }] },
          autoscaling: { maxReplicas: 3 },
          disruptionBudget: { maxUnavailable: '1' },
        },
      ],
      secrets: [{ name: 'registry', type: 'dockerConfigJson' }],
      networkPolicies: [
        { name: 'db-only', workload: 'db' },
        { name: 'deny-all' },
      ],
    } as AppSpec;
    expect(edgeList(spec)).toEqual([
      'StatefulSet/db -uses-> ConfigMap/init-env',
      'StatefulSet/db -uses-> ConfigMap/settings',
      'StatefulSet/db -uses-> Secret/creds',
      'StatefulSet/db -uses-> ConfigMap/files',
      'StatefulSet/db -uses-> Secret/keys',
      'StatefulSet/db -mounts-> PersistentVolumeClaim/shared',
      'StatefulSet/db -mounts-> VolumeClaimTemplate/db/data',
      // Registry credentials are every pod's pull secret.
      'StatefulSet/db -uses-> Secret/registry',
      'StatefulSet/db -runsAs-> ServiceAccount/db-sa',
      'HorizontalPodAutoscaler/db -scales-> StatefulSet/db',
      'PodDisruptionBudget/db -budgets-> StatefulSet/db',
      // A policy without a workload covers the whole namespace and belongs to no workload.
      'NetworkPolicy/db-only -protects-> StatefulSet/db',
    ]);
  });

  it('tolerates a spec with nothing but a name', () => {
    expect(specEdges({ name: 'empty' } as AppSpec)).toEqual([]);
  });
});

describe('buildResourceMap', () => {
  const spec: AppSpec = {
    name: 'shop',
    workloads: [{ name: 'web', containers: [{ ...container, envFrom: [{ configMap: 'settings' }, { secret: 'external' }] }] }],
    services: [{ ports: [{ port: 80 }] }],
    ingresses: [{ rules: [{ paths: [{ path: '/' }] }], tls: { certificate: 'cert' } }],
    certificates: [{ name: 'cert', issuer: { name: 'le' } }],
    networkPolicies: [{ name: 'deny-all' }],
  } as AppSpec;
  const objects = [
    live('Namespace', 'shop', 'Untracked'),
    live('ConfigMap', 'settings', 'Untracked'),
    live('Deployment', 'web', 'InProgress', [pod('web-1'), pod('web-2', 'Failed')]),
    live('Service', 'web'),
    live('Ingress', 'shop'),
    live('Certificate', 'cert', 'NotFound'),
    live('NetworkPolicy', 'deny-all', 'Untracked'),
    live('Role', 'reader', 'Untracked'),
  ];

  it('draws the live objects with their health, expands workloads to pods and counts what it leaves out', () => {
    const map = buildResourceMap(spec, objects);
    expect(map.nodes.map((n) => `${n.column}:${n.id}:${n.health.state}${n.owner ? ` under ${n.owner}` : ''}`)).toEqual([
      'workload:ConfigMap/settings:Untracked under Deployment/web',
      'workload:Deployment/web:InProgress',
      'service:Service/web:Current',
      'entry:Ingress/shop:Current',
      'entry:Certificate/cert:NotFound under Ingress/shop',
      'workload:NetworkPolicy/deny-all:Untracked',
      'pod:Pod/web-1:Current',
      'pod:Pod/web-2:Failed',
    ]);
    expect(map.omitted).toEqual({ Namespace: 1, Role: 1 });
    // The Secret named by envFrom is not an object of the app: no node, no edge.
    expect(map.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      'Service/web>Deployment/web',
      'Deployment/web>ConfigMap/settings',
      'Ingress/shop>Service/web',
      'Ingress/shop>Certificate/cert',
      'Deployment/web>Pod/web-1',
      'Deployment/web>Pod/web-2',
    ]);
    expect(map.nodes.find((n) => n.id === 'Pod/web-2')?.target).toEqual({ pod: 'web-2' });
    expect(map.nodes.find((n) => n.id === 'Service/web')?.target).toEqual({ object: 'Service/web' });
  });

  it('draws at most a few pods per workload, one node standing for the rest with the worst health among them', () => {
    const pods = Array.from({ length: 9 }, (_, i) => pod(`web-${i}`, i === 7 ? 'Failed' : 'Current'));
    const map = buildResourceMap(spec, [live('Deployment', 'web', 'Failed', pods)]);
    const podNodes = map.nodes.filter((n) => n.column === 'pod');
    expect(podNodes).toHaveLength(MAX_PODS);
    expect(podNodes.at(-1)).toMatchObject({ kind: 'Pods', name: '4 more', health: { state: 'Failed', reason: 'CrashLoopBackOff' } });
    expect(podNodes.at(-1)?.target).toEqual({ object: 'Deployment/web' });
  });

  it('does not draw a bare Pod twice', () => {
    const map = buildResourceMap({ name: 'one' } as AppSpec, [live('Pod', 'one', 'Current', [pod('one')])]);
    expect(map.nodes.map((n) => n.id)).toEqual(['Pod/one']);
  });

  it('draws a claim template beside its StatefulSet, leading to the StatefulSet', () => {
    const map = buildResourceMap(
      {
        name: 'db',
        workloads: [
          {
            name: 'db',
            kind: 'StatefulSet',
            containers: [container],
            statefulSet: { volumeClaimTemplates: [{ name: 'data', size: '1Gi' }] },
          },
        ],
      } as AppSpec,
      [live('StatefulSet', 'db')],
    );
    expect(map.nodes.find((n) => n.kind === 'VolumeClaimTemplate')).toMatchObject({
      name: 'data',
      owner: 'StatefulSet/db',
      target: { object: 'StatefulSet/db' },
    });
  });
});

describe('layoutResourceMap', () => {
  it('lays the chain out left to right, attached objects under their owner, unattached ones in a last band', () => {
    const spec: AppSpec = {
      name: 'shop',
      workloads: [
        { name: 'web', containers: [{ ...container, envFrom: [{ configMap: 'settings' }] }] },
        { name: 'worker', containers: [container] },
      ],
      services: [{ workload: 'web', ports: [{ port: 80 }] }],
      ingresses: [{ rules: [{ paths: [{ path: '/' }] }] }],
      networkPolicies: [{ name: 'deny-all' }],
    } as AppSpec;
    const layout = layoutResourceMap(
      buildResourceMap(spec, [
        live('ConfigMap', 'settings', 'Untracked'),
        live('Deployment', 'web', 'Current', [pod('web-1')]),
        live('Deployment', 'worker', 'Current', [pod('worker-1')]),
        live('Service', 'web'),
        live('Ingress', 'shop'),
        live('NetworkPolicy', 'deny-all', 'Untracked'),
      ]),
    );
    expect(layout.columns.map((c) => c.title)).toEqual(['Entry points', 'Services', 'Workloads', 'Pods']);
    const at = (id: string) => layout.nodes.find((p) => p.node.id === id)!;
    expect(at('Ingress/shop').x).toBeLessThan(at('Service/web').x);
    expect(at('Service/web').x).toBeLessThan(at('Deployment/web').x);
    expect(at('Deployment/web').x).toBeLessThan(at('Pod/web-1').x);
    // The ConfigMap sits under its workload, indented.
    expect(at('ConfigMap/settings').x).toBeGreaterThan(at('Deployment/web').x);
    expect(at('ConfigMap/settings').y).toBeGreaterThan(at('Deployment/web').y);
    // One band per workload, in order; the namespace-wide policy after them.
    expect([at('Ingress/shop').band, at('Service/web').band, at('Pod/web-1').band]).toEqual([0, 0, 0]);
    expect(at('Deployment/worker').band).toBe(1);
    expect(at('Deployment/worker').y).toBeGreaterThan(at('ConfigMap/settings').y);
    expect(at('NetworkPolicy/deny-all').band).toBe(2);
    // Nothing overlaps.
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.node.id} overlaps ${b.node.id}`).toBe(true);
      }
      expect(a.x + a.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + a.height).toBeLessThanOrEqual(layout.height);
    }
    expect(layout.edges.find((e) => e.edge.to === 'ConfigMap/settings')?.attached).toBe(true);
    expect(layout.edges.find((e) => e.edge.to === 'Service/web')?.attached).toBe(false);
  });

  it('leaves out columns nothing is in', () => {
    const layout = layoutResourceMap(
      buildResourceMap({ name: 'job', workloads: [{ name: 'job', kind: 'Job', containers: [container] }] } as AppSpec, [
        live('Job', 'job', 'Current', [pod('job-abc')]),
      ]),
    );
    expect(layout.columns.map((c) => c.column)).toEqual(['workload', 'pod']);
    expect(layout.columns[0]?.x).toBe(layout.nodes[0]?.x);
  });

  it('lays out an empty map', () => {
    const layout = layoutResourceMap(buildResourceMap({ name: 'x' } as AppSpec, []));
    expect(layout.nodes).toEqual([]);
    expect(layout.height).toBeGreaterThan(0);
  });
});

describe('worstState', () => {
  it('puts failures first and untracked last', () => {
    expect(worstState(['Current', 'Failed', 'InProgress'])).toBe('Failed');
    expect(worstState(['Current', 'Untracked'])).toBe('Current');
    expect(worstState([])).toBe('Untracked');
  });
});
