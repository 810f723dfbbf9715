import { ActionIcon, Button, Group, Input, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { SelectField, TextField } from '../../../../../components/form/fields';
import { SuggestField } from '../../../../../components/form/ListFields';
import { ItemCard } from '../ItemCard';

/** The ClusterRoles every cluster has, for granting the usual access without writing rules. */
const BUILT_IN_CLUSTER_ROLES = ['view', 'edit', 'admin', 'cluster-admin'];

type Named = { name?: string }[] | undefined;
type BindingValues = { name?: string; role?: { kind?: string }; subjects?: { kind?: string }[] }[] | undefined;

const namesOf = (items: Named) => [...new Set((items ?? []).map((item) => item.name).filter((name): name is string => Boolean(name)))];

function Subjects({ base, serviceAccounts }: { base: string; serviceAccounts: string[] }) {
  const { control } = useFormContext<AppSpec>();
  const subjects = useFieldArray({ control, name: `${base}.subjects` as 'roleBindings.0.subjects' });
  const values = useWatch({ name: `${base}.subjects` }) as { kind?: string }[] | undefined;
  return (
    <Input.Wrapper label="Subjects" description="Who is granted the role.">
      <Stack gap={6} mt={4}>
        {subjects.fields.map((subject, index) => {
          const at = `${base}.subjects.${index}`;
          const isServiceAccount = (values?.[index]?.kind ?? 'ServiceAccount') === 'ServiceAccount';
          return (
            <Group key={subject.id} gap={6} align="flex-start" wrap="nowrap">
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm" style={{ flex: 1 }}>
                <SelectField name={`${at}.kind`} label={`Subject ${index + 1} kind`} data={['ServiceAccount', 'User', 'Group']} placeholder="ServiceAccount" />
                <SuggestField
                  name={`${at}.name`}
                  label={`Subject ${index + 1} name`}
                  required
                  data={isServiceAccount ? serviceAccounts : []}
                  placeholder={isServiceAccount ? 'default' : 'jane@example.com'}
                />
                {isServiceAccount && (
                  <TextField name={`${at}.namespace`} label={`Subject ${index + 1} namespace`} optional monospace placeholder="the app's namespace" />
                )}
              </SimpleGrid>
              <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove subject ${index + 1}`} onClick={() => subjects.remove(index)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          );
        })}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => subjects.append({ kind: 'ServiceAccount', name: serviceAccounts[0] ?? 'default' })}
          >
            Add subject
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

/**
 * RoleBindings (`roleBindings`: a Role or a ClusterRole, within the namespace) or ClusterRoleBindings
 * (`clusterRoleBindings`: a ClusterRole, everywhere). The role is one of the app's or any the cluster has.
 */
export function Bindings({ name }: { name: 'roleBindings' | 'clusterRoleBindings' }) {
  const { control } = useFormContext<AppSpec>();
  const bindings = useFieldArray({ control, name });
  const [values, roles, clusterRoles, accounts] = useWatch({ name: [name, 'roles', 'clusterRoles', 'serviceAccounts'] }) as [
    BindingValues,
    Named,
    Named,
    Named,
  ];
  const kind = name === 'roleBindings' ? 'RoleBinding' : 'ClusterRoleBinding';
  const roleKinds = name === 'roleBindings' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const serviceAccounts = namesOf(accounts);
  const roleChoices = (roleKind: string) =>
    roleKind === 'Role'
      ? namesOf(roles)
      : [
          { group: 'This application', items: namesOf(clusterRoles) },
          { group: 'Built in', items: BUILT_IN_CLUSTER_ROLES.filter((role) => !namesOf(clusterRoles).includes(role)) },
        ].filter((group) => group.items.length > 0);

  const add = () => {
    const roleKind = roleKinds[0]!;
    const first = roleKind === 'Role' ? namesOf(roles)[0] : namesOf(clusterRoles)[0];
    bindings.append({
      name: `${kind.toLowerCase()}-${bindings.fields.length + 1}`,
      role: { kind: roleKind, name: first ?? (roleKind === 'ClusterRole' ? 'view' : '') },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccounts[0] ?? 'default' }],
    });
  };

  return (
    <Stack gap="sm">
      {bindings.fields.map((binding, index) => {
        const base = `${name}.${index}`;
        const bindingName = values?.[index]?.name ?? '';
        const roleKind = values?.[index]?.role?.kind ?? roleKinds[0]!;
        return (
          <ItemCard
            key={binding.id}
            title={`${kind} ${bindingName}`}
            removeLabel={`Remove ${kind} ${bindingName || index + 1}`}
            onRemove={() => bindings.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextField name={`${base}.name`} label={`${kind} name`} required monospace />
              <SelectField name={`${base}.role.kind`} label="Role kind" required data={roleKinds} />
              <SuggestField name={`${base}.role.name`} label="Role granted" required data={roleChoices(roleKind)} />
            </SimpleGrid>
            <Subjects base={base} serviceAccounts={serviceAccounts} />
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={add}>
          Add {kind}
        </Button>
      </Group>
    </Stack>
  );
}
