import { Divider, Stack } from '@mantine/core';
import { Bindings } from './access/Bindings';
import { PodSecurity } from './access/PodSecurity';
import { ResourceQuota } from './access/ResourceQuota';
import { Roles } from './access/Roles';
import { ServiceAccounts } from './access/ServiceAccounts';

/** Who may do what: the namespace's Pod Security levels and quota, the app's identities and RBAC. */
export function AccessSection() {
  return (
    <Stack gap="lg">
      <Divider label="Pod Security" labelPosition="left" />
      <PodSecurity />
      <Divider label="ResourceQuota" labelPosition="left" />
      <ResourceQuota />
      <Divider label="ServiceAccounts" labelPosition="left" />
      <ServiceAccounts />
      <Divider label="Roles" labelPosition="left" />
      <Roles name="roles" />
      <Divider label="ClusterRoles" labelPosition="left" />
      <Roles name="clusterRoles" />
      <Divider label="RoleBindings" labelPosition="left" />
      <Bindings name="roleBindings" />
      <Divider label="ClusterRoleBindings" labelPosition="left" />
      <Bindings name="clusterRoleBindings" />
    </Stack>
  );
}
