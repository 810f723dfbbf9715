/** The editor's sections, each covering the AppSpec fields (form paths) whose errors it counts. */
export const sections = [
  {
    id: 'basics',
    label: 'Basics',
    paths: ['name', 'namespace', 'createNamespace', 'namespaceLabels', 'instance', 'partOf', 'labels', 'annotations', ''],
  },
  { id: 'workloads', label: 'Workloads', paths: ['workloads'] },
  { id: 'config', label: 'Config & secrets', paths: ['configMaps', 'secrets'] },
  { id: 'storage', label: 'Storage', paths: ['persistentVolumeClaims', 'persistentVolumes'] },
  { id: 'networking', label: 'Networking', paths: ['services', 'ingresses', 'httpRoutes', 'rateLimits', 'networkPolicies'] },
  { id: 'tls', label: 'TLS', paths: ['certificates'] },
  {
    id: 'access',
    label: 'Access',
    paths: ['resourceQuota', 'serviceAccounts', 'roles', 'clusterRoles', 'roleBindings', 'clusterRoleBindings'],
  },
  { id: 'advanced', label: 'Advanced', paths: ['overrides'] },
] as const;

export type SectionId = (typeof sections)[number]['id'];
