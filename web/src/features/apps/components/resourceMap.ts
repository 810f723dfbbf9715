/**
 * The resource map's graph and layout, pure: which objects of an app point at which (read from the
 * AppSpec, resolving omitted names the way the renderer does in `crates/manifest/src/refs.rs`), joined
 * with the live objects and their pods, then placed in left-to-right columns.
 */
import type { AppSpec } from '../../../api/appspec';
import type { LiveHealth, LiveObject, LivePod, LiveState } from '../../../api/types';

type Workload = NonNullable<AppSpec['workloads']>[number];
type Service = NonNullable<AppSpec['services']>[number];
type Route = NonNullable<AppSpec['httpRoutes']>[number];
type Container = NonNullable<Workload['containers']>[number];

/**
 * How one object refers to another, `from` → `to`:
 * routes (Ingress/HTTPRoute → Service), selects (Service → workload), runs (workload → Pod),
 * uses (workload → ConfigMap/Secret), mounts (workload → PVC or claim template), runsAs (workload →
 * ServiceAccount), secures (Ingress/HTTPRoute → Certificate or TLS Secret), limits
 * (BackendTrafficPolicy → HTTPRoute), protects (NetworkPolicy → workload), scales
 * (HorizontalPodAutoscaler → workload), budgets (PodDisruptionBudget → workload).
 */
export type EdgeKind =
  | 'routes'
  | 'selects'
  | 'runs'
  | 'uses'
  | 'mounts'
  | 'runsAs'
  | 'secures'
  | 'limits'
  | 'protects'
  | 'scales'
  | 'budgets';

export interface MapEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/** Kind of the node that stands for a StatefulSet's volume claim template (one claim per replica). */
export const CLAIM_TEMPLATE = 'VolumeClaimTemplate';

export const nodeId = (kind: string, name: string) => `${kind}/${name}`;

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const entryKinds = new Set(['Ingress', 'HTTPRoute']);
/** Kinds drawn beside what they belong to, and the column they sit in when they belong to nothing. */
const attachedKinds: Record<string, MapColumn> = {
  ConfigMap: 'workload',
  Secret: 'workload',
  PersistentVolumeClaim: 'workload',
  PersistentVolume: 'workload',
  ServiceAccount: 'workload',
  NetworkPolicy: 'workload',
  HorizontalPodAutoscaler: 'workload',
  PodDisruptionBudget: 'workload',
  [CLAIM_TEMPLATE]: 'workload',
  Certificate: 'entry',
  BackendTrafficPolicy: 'entry',
};

/** The named item, or the only one when no name is given (the renderer's rule for omitted references). */
function namedOrOnly<T>(items: T[], wanted: string | null | undefined, nameOf: (item: T) => string): T | undefined {
  if (wanted) return items.find((item) => nameOf(item) === wanted);
  return items.length === 1 ? items[0] : undefined;
}

/** Every reference the AppSpec makes between its objects, by node id (`Kind/name`). */
export function specEdges(spec: AppSpec): MapEdge[] {
  const workloads = spec.workloads ?? [];
  const services = spec.services ?? [];
  const routes = spec.httpRoutes ?? [];
  const edges: MapEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, kind: EdgeKind) => {
    const key = `${from}>${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, kind });
  };

  const workloadNode = (w: Workload) => nodeId(w.kind ?? 'Deployment', w.name);
  const workload = (name: string | null | undefined) => namedOrOnly(workloads, name, (w) => w.name);
  const serviceName = (s: Service) => s.name ?? workload(s.workload)?.name ?? spec.name;
  const routeName = (r: Route) => r.name ?? spec.name;
  const service = (name: string | null | undefined) => namedOrOnly(services, name, serviceName);

  for (const s of services) {
    const target = workload(s.workload);
    if (target) add(nodeId('Service', serviceName(s)), workloadNode(target), 'selects');
  }

  const pullSecrets = (spec.secrets ?? []).filter((s) => s.type === 'dockerConfigJson').map((s) => s.name);
  for (const w of workloads) {
    const from = workloadNode(w);
    const containers: Container[] = [...(w.initContainers ?? []), ...(w.containers ?? [])];
    for (const c of containers) {
      for (const env of c.env ?? []) {
        if (env.configMapKey) add(from, nodeId('ConfigMap', env.configMapKey.name), 'uses');
        if (env.secretKey) add(from, nodeId('Secret', env.secretKey.name), 'uses');
      }
      for (const source of c.envFrom ?? []) {
        if (source.configMap) add(from, nodeId('ConfigMap', source.configMap), 'uses');
        if (source.secret) add(from, nodeId('Secret', source.secret), 'uses');
      }
      for (const mount of c.volumeMounts ?? []) {
        if (mount.source === 'configMap') add(from, nodeId('ConfigMap', mount.name), 'uses');
        else if (mount.source === 'secret') add(from, nodeId('Secret', mount.name), 'uses');
        else if (mount.source === 'persistentVolumeClaim') add(from, nodeId('PersistentVolumeClaim', mount.name), 'mounts');
      }
    }
    if ((w.kind ?? 'Deployment') === 'StatefulSet') {
      for (const template of w.statefulSet?.volumeClaimTemplates ?? []) {
        add(from, nodeId(CLAIM_TEMPLATE, `${w.name}/${template.name}`), 'mounts');
      }
    }
    for (const name of pullSecrets) add(from, nodeId('Secret', name), 'uses');
    if (w.serviceAccount) add(from, nodeId('ServiceAccount', w.serviceAccount), 'runsAs');
    if (w.autoscaling) add(nodeId('HorizontalPodAutoscaler', w.name), from, 'scales');
    if (w.disruptionBudget) add(nodeId('PodDisruptionBudget', w.name), from, 'budgets');
  }

  for (const policy of spec.networkPolicies ?? []) {
    // No workload: the policy covers every pod of the namespace, so it belongs to none of them.
    const target = policy.workload ? workloads.find((w) => w.name === policy.workload) : undefined;
    if (target) add(nodeId('NetworkPolicy', policy.name), workloadNode(target), 'protects');
  }

  for (const ingress of spec.ingresses ?? []) {
    const from = nodeId('Ingress', ingress.name ?? spec.name);
    for (const rule of ingress.rules ?? []) {
      for (const path of rule.paths ?? []) {
        const target = service(path.service);
        if (target) add(from, nodeId('Service', serviceName(target)), 'routes');
      }
    }
    if (ingress.tls?.certificate) add(from, nodeId('Certificate', ingress.tls.certificate), 'secures');
    else if (ingress.tls?.secretName) add(from, nodeId('Secret', ingress.tls.secretName), 'secures');
  }

  for (const route of routes) {
    const from = nodeId('HTTPRoute', routeName(route));
    for (const rule of route.rules ?? []) {
      for (const backend of rule.backends ?? []) {
        const target = service(backend.service);
        if (target) add(from, nodeId('Service', serviceName(target)), 'routes');
      }
    }
    if (route.certificate) add(from, nodeId('Certificate', route.certificate), 'secures');
  }

  for (const limit of spec.rateLimits ?? []) {
    const route = namedOrOnly(routes, limit.route, routeName);
    const name = limit.name ?? `${route ? routeName(route) : spec.name}-ratelimit`;
    if (route) add(nodeId('BackendTrafficPolicy', name), nodeId('HTTPRoute', routeName(route)), 'limits');
  }
  return edges;
}

/** For an edge that attaches one object beside another: which is drawn beside (`attached`) which (`owner`). */
export function attachment(edge: MapEdge): { owner: string; attached: string } | null {
  switch (edge.kind) {
    case 'uses':
    case 'mounts':
    case 'runsAs':
    case 'secures':
      return { owner: edge.from, attached: edge.to };
    case 'limits':
    case 'protects':
    case 'scales':
    case 'budgets':
      return { owner: edge.to, attached: edge.from };
    default:
      return null;
  }
}

export type MapColumn = 'entry' | 'service' | 'workload' | 'pod';

/** The row of the resources list a node stands for. */
export type MapTarget = { object: string } | { pod: string };

export interface MapNode {
  id: string;
  kind: string;
  name: string;
  health: LiveHealth;
  column: MapColumn;
  /** The node it is drawn beside, for config, storage and policies; null for the main chain. */
  owner: string | null;
  target: MapTarget;
}

export interface ResourceMap {
  nodes: MapNode[];
  edges: MapEdge[];
  /** Kinds of the objects the map leaves out (namespace, RBAC, quota, extra objects), with how many. */
  omitted: Record<string, number>;
}

/** Pods drawn per workload; past that, one node stands for the rest. */
export const MAX_PODS = 6;

const severity: LiveState[] = ['Failed', 'NotFound', 'InProgress', 'Terminating', 'Current', 'Untracked'];

/** The state that needs attention first among several. */
export function worstState(states: LiveState[]): LiveState {
  let worst: LiveState = 'Untracked';
  for (const state of states) if (severity.indexOf(state) < severity.indexOf(worst)) worst = state;
  return worst;
}

const objectKey = (object: { kind: string; name: string }) => `${object.kind}/${object.name}`;

function podNodes(workload: LiveObject, pods: LivePod[]): { nodes: MapNode[]; edges: MapEdge[] } {
  const from = objectKey(workload);
  const shown = pods.length > MAX_PODS ? pods.slice(0, MAX_PODS - 1) : pods;
  const nodes: MapNode[] = shown.map((pod) => ({
    id: nodeId('Pod', pod.name),
    kind: 'Pod',
    name: pod.name,
    health: pod.health,
    column: 'pod',
    owner: null,
    target: { pod: pod.name },
  }));
  const rest = pods.slice(shown.length);
  if (rest.length > 0) {
    const state = worstState(rest.map((p) => p.health.state));
    nodes.push({
      id: `${from}#more-pods`,
      kind: 'Pods',
      name: `${rest.length} more`,
      health: { state, reason: rest.find((p) => p.health.state === state)?.health.reason ?? '' },
      column: 'pod',
      owner: null,
      target: { object: from },
    });
  }
  return { nodes, edges: nodes.map((node) => ({ from, to: node.id, kind: 'runs' as const })) };
}

/**
 * The map of an app: a node for every live object of a drawn kind and for the pods of its workloads,
 * the AppSpec's references between them, and each attached object's owner (its first referrer).
 */
export function buildResourceMap(spec: AppSpec, objects: LiveObject[]): ResourceMap {
  const nodes: MapNode[] = [];
  const edges: MapEdge[] = [];
  const omitted: Record<string, number> = {};
  const byId = new Map<string, MapNode>();

  for (const object of objects) {
    const column: MapColumn | undefined = entryKinds.has(object.kind)
      ? 'entry'
      : object.kind === 'Service'
        ? 'service'
        : workloadKinds.has(object.kind)
          ? 'workload'
          : attachedKinds[object.kind];
    if (!column) {
      omitted[object.kind] = (omitted[object.kind] ?? 0) + 1;
      continue;
    }
    const node: MapNode = {
      id: objectKey(object),
      kind: object.kind,
      name: object.name,
      health: object.health,
      column,
      owner: null,
      target: { object: objectKey(object) },
    };
    if (byId.has(node.id)) continue;
    byId.set(node.id, node);
    nodes.push(node);
  }

  const fromSpec = specEdges(spec);
  // A StatefulSet's claim templates are part of it, not objects of the app: the StatefulSet makes one
  // claim per replica, so the node has no health of its own and leads to the StatefulSet's row.
  for (const edge of fromSpec) {
    if (!edge.to.startsWith(`${CLAIM_TEMPLATE}/`) || !byId.has(edge.from) || byId.has(edge.to)) continue;
    const node: MapNode = {
      id: edge.to,
      kind: CLAIM_TEMPLATE,
      name: edge.to.slice(edge.to.lastIndexOf('/') + 1),
      health: { state: 'Untracked', reason: 'One PersistentVolumeClaim per replica, made by the StatefulSet' },
      column: 'workload',
      owner: null,
      target: byId.get(edge.from)!.target,
    };
    byId.set(node.id, node);
    nodes.push(node);
  }
  edges.push(...fromSpec.filter((edge) => byId.has(edge.from) && byId.has(edge.to)));

  for (const edge of edges) {
    const link = attachment(edge);
    if (!link) continue;
    const attached = byId.get(link.attached)!;
    const owner = byId.get(link.owner)!;
    // Only beside a main node, so attached objects never stack under one another.
    if (attached.owner === null && owner.owner === null && attachedKinds[attached.kind] !== undefined && attachedKinds[owner.kind] === undefined) {
      attached.owner = owner.id;
      attached.column = owner.column;
    }
  }
  for (const object of objects) {
    if (!workloadKinds.has(object.kind) || !object.pods) continue;
    // A bare Pod lists itself as its pod.
    const pods = object.kind === 'Pod' ? object.pods.filter((p) => p.name !== object.name) : object.pods;
    const expanded = podNodes(object, pods);
    nodes.push(...expanded.nodes);
    edges.push(...expanded.edges);
  }
  return { nodes, edges, omitted };
}

// ——— Layout ———

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 48;
export const ATTACHED_INDENT = 14;
const ATTACHED_HEIGHT = 44;
const COLUMN_GAP = 40;
const ROW_GAP = 10;
const BAND_GAP = 28;
const PAD_X = 28;
const PAD_TOP = 40;
const PAD_BOTTOM = 16;

export const columnTitles: Record<MapColumn, string> = {
  entry: 'Entry points',
  service: 'Services',
  workload: 'Workloads',
  pod: 'Pods',
};
const columnOrder: MapColumn[] = ['entry', 'service', 'workload', 'pod'];

export interface PlacedNode {
  node: MapNode;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Which horizontal band (one per workload, then one for what belongs to none) it sits in. */
  band: number;
}

export interface PlacedEdge {
  edge: MapEdge;
  /** An SVG path from one node's side to the other's. */
  path: string;
  /** Drawn as the bracket joining an attached object to its owner. */
  attached: boolean;
}

export interface MapLayout {
  width: number;
  height: number;
  columns: { column: MapColumn; title: string; x: number }[];
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/**
 * Places the nodes: one column per kind group (only those in use), one band per workload holding the
 * Services selecting it, the entry points routing to those Services and its pods, each attached object
 * under its owner; whatever connects to no workload goes in a last band.
 */
export function layoutResourceMap(map: ResourceMap): MapLayout {
  const byId = new Map(map.nodes.map((node) => [node.id, node]));
  const band = new Map<string, number>();
  const workloads = map.nodes.filter((n) => n.column === 'workload' && n.owner === null && workloadKinds.has(n.kind));
  workloads.forEach((node, index) => band.set(node.id, index));
  const orphanBand = workloads.length;

  const targetsOf = (id: string, kind: EdgeKind) => map.edges.filter((e) => e.from === id && e.kind === kind).map((e) => e.to);
  const firstBand = (ids: string[]) => {
    const bands = ids.map((id) => band.get(id)).filter((b): b is number => b !== undefined);
    return bands.length > 0 ? Math.min(...bands) : orphanBand;
  };
  for (const node of map.nodes) {
    if (node.column === 'service' && node.owner === null) band.set(node.id, firstBand(targetsOf(node.id, 'selects')));
  }
  for (const node of map.nodes) {
    if (node.column === 'entry' && node.owner === null && !band.has(node.id)) band.set(node.id, firstBand(targetsOf(node.id, 'routes')));
  }
  for (const edge of map.edges) if (edge.kind === 'runs') band.set(edge.to, band.get(edge.from) ?? orphanBand);
  for (const node of map.nodes) {
    if (!band.has(node.id)) band.set(node.id, node.owner !== null ? (band.get(node.owner) ?? orphanBand) : orphanBand);
  }

  const columns = columnOrder.filter((column) => map.nodes.some((n) => n.column === column));
  const columnX = new Map(columns.map((column, index) => [column, PAD_X + index * (NODE_WIDTH + COLUMN_GAP)]));

  // Stack order within a column: main nodes as listed, each followed by what is attached to it.
  const ordered: MapNode[] = [];
  for (const node of map.nodes) {
    if (node.owner !== null && byId.has(node.owner)) continue;
    ordered.push(node, ...map.nodes.filter((n) => n.owner === node.id));
  }

  const placed: PlacedNode[] = [];
  let top = PAD_TOP;
  const bands = Math.max(...ordered.map((n) => band.get(n.id)!), -1) + 1;
  for (let b = 0; b < bands; b++) {
    let tallest = 0;
    for (const column of columns) {
      let y = top;
      for (const node of ordered) {
        if (node.column !== column || band.get(node.id) !== b) continue;
        const attached = node.owner !== null;
        const height = attached ? ATTACHED_HEIGHT : NODE_HEIGHT;
        placed.push({
          node,
          x: columnX.get(column)! + (attached ? ATTACHED_INDENT : 0),
          y,
          width: NODE_WIDTH - (attached ? ATTACHED_INDENT : 0),
          height,
          band: b,
        });
        y += height + ROW_GAP;
      }
      tallest = Math.max(tallest, y - top);
    }
    if (tallest > 0) top += tallest - ROW_GAP + BAND_GAP;
  }

  const at = new Map(placed.map((p) => [p.node.id, p]));
  const edges: PlacedEdge[] = [];
  for (const edge of map.edges) {
    const a = at.get(edge.from);
    const b = at.get(edge.to);
    if (!a || !b) continue;
    const link = attachment(edge);
    const owned = link !== null && byId.get(link.attached)?.owner === link.owner;
    if (owned) {
      const owner = at.get(link.owner)!;
      const attached = at.get(link.attached)!;
      edges.push({ edge, attached: true, path: `M${owner.x + 10},${owner.y + owner.height} V${attached.y + attached.height / 2} H${attached.x}` });
    } else if (a.x === b.x || Math.abs(a.x - b.x) < NODE_WIDTH) {
      // Same column: a curve bulging into the gap on the left.
      const y1 = a.y + a.height / 2;
      const y2 = b.y + b.height / 2;
      const bulge = Math.min(a.x, b.x) - 24;
      edges.push({ edge, attached: false, path: `M${a.x},${y1} C${bulge},${y1} ${bulge},${y2} ${b.x},${y2}` });
    } else {
      const [left, right] = a.x < b.x ? [a, b] : [b, a];
      const x1 = left.x + left.width;
      const y1 = left.y + left.height / 2;
      const x2 = right.x;
      const y2 = right.y + right.height / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ edge, attached: false, path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
    }
  }

  return {
    width: PAD_X + columns.length * NODE_WIDTH + Math.max(columns.length - 1, 0) * COLUMN_GAP + PAD_X / 2,
    height: top - BAND_GAP + PAD_BOTTOM,
    columns: columns.map((column) => ({ column, title: columnTitles[column], x: columnX.get(column)! })),
    nodes: placed,
    edges,
  };
}
