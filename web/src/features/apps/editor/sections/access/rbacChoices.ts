/** The core API group is the empty string; a tag cannot be empty, so the form shows it under this name. */
export const CORE_GROUP = 'core';

export const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', '*'];

/** The resources a rule most often names, by API group (`''` is the core group). */
const RESOURCES_BY_GROUP: readonly { group: string; resources: readonly string[] }[] = [
  {
    group: '',
    resources: [
      'pods',
      'pods/log',
      'pods/exec',
      'services',
      'endpoints',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'persistentvolumeclaims',
      'persistentvolumes',
      'namespaces',
      'nodes',
      'events',
    ],
  },
  { group: 'apps', resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { group: 'batch', resources: ['jobs', 'cronjobs'] },
  { group: 'networking.k8s.io', resources: ['ingresses', 'networkpolicies'] },
  { group: 'autoscaling', resources: ['horizontalpodautoscalers'] },
  { group: 'policy', resources: ['poddisruptionbudgets'] },
  { group: 'coordination.k8s.io', resources: ['leases'] },
  { group: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] },
  { group: 'cert-manager.io', resources: ['certificates', 'issuers', 'clusterissuers'] },
  { group: 'gateway.networking.k8s.io', resources: ['gateways', 'httproutes'] },
];

const shownGroup = (group: string) => (group === '' ? CORE_GROUP : group);

export const API_GROUPS = [...RESOURCES_BY_GROUP.map((entry) => shownGroup(entry.group)), '*'];

/** The resources offered in the picker, under the API group each belongs to. */
export const RESOURCE_CHOICES = [
  ...RESOURCES_BY_GROUP.map((entry) => ({
    group: entry.group === '' ? `${CORE_GROUP} ("")` : entry.group,
    items: [...entry.resources],
  })),
  { group: 'any', items: ['*'] },
];

/** The API group of a resource the picker offers; undefined for one it does not know. */
export function groupOf(resource: string): string | undefined {
  return RESOURCES_BY_GROUP.find((entry) => entry.resources.includes(resource))?.group;
}
