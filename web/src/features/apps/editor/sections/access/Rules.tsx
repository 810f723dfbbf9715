import { ActionIcon, Button, Group, Input, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { StringListField } from '../../../../../components/form/fields';
import { ChoiceListField } from '../../../../../components/form/ListFields';
import { API_GROUPS, CORE_GROUP, RESOURCE_CHOICES, VERBS, groupOf } from './rbacChoices';

function Rule({ base, number, clusterScoped, onRemove }: { base: string; number: number; clusterScoped: boolean; onRemove: () => void }) {
  const { getValues, setValue } = useFormContext();
  // Picking a known resource brings its API group along, so a rule is not left naming `deployments` in
  // the core group.
  const addGroupsOf = (resources: string[]) => {
    const groups = (getValues(`${base}.apiGroups`) as string[] | undefined) ?? [];
    const missing = [...new Set(resources.map(groupOf).filter((group) => group !== undefined))].filter((group) => !groups.includes(group));
    if (missing.length > 0) setValue(`${base}.apiGroups`, [...groups, ...missing], { shouldDirty: true });
  };
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" mb={6} wrap="nowrap">
        <Text size="sm" fw={600}>
          Rule {number}
        </Text>
        <ActionIcon variant="subtle" color="gray" aria-label={`Remove rule ${number}`} onClick={onRemove}>
          <IconTrash size={16} />
        </ActionIcon>
      </Group>
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <ChoiceListField
            name={`${base}.resources`}
            label={`Rule ${number} resources`}
            data={RESOURCE_CHOICES}
            placeholder="pods"
            onAdd={addGroupsOf}
          />
          <ChoiceListField
            name={`${base}.apiGroups`}
            label={`Rule ${number} API groups`}
            data={API_GROUPS}
            emptyAs={CORE_GROUP}
            placeholder={CORE_GROUP}
            description={`“${CORE_GROUP}” is the core group (pods, services, secrets…).`}
          />
        </SimpleGrid>
        <ChoiceListField name={`${base}.verbs`} label={`Rule ${number} verbs`} data={VERBS} required keepEmpty placeholder="get" />
        <SimpleGrid cols={{ base: 1, sm: clusterScoped ? 2 : 1 }} spacing="sm">
          <StringListField
            name={`${base}.resourceNames`}
            label={`Rule ${number} resource names`}
            description="Only these objects; all of them when empty."
          />
          {clusterScoped && (
            <StringListField
              name={`${base}.nonResourceUrls`}
              label={`Rule ${number} non-resource URLs`}
              placeholder="/healthz"
              description="Paths of the API server that are not objects."
            />
          )}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

/** The rules of one Role or ClusterRole at `base` (`roles.0`). */
export function Rules({ base, clusterScoped }: { base: string; clusterScoped: boolean }) {
  const { control } = useFormContext<AppSpec>();
  const rules = useFieldArray({ control, name: `${base}.rules` as 'roles.0.rules' });
  return (
    <Input.Wrapper label="Rules">
      <Stack gap="xs" mt={4}>
        {rules.fields.map((rule, index) => (
          <Rule key={rule.id} base={`${base}.rules.${index}`} number={index + 1} clusterScoped={clusterScoped} onRemove={() => rules.remove(index)} />
        ))}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => rules.append({ verbs: ['get', 'list', 'watch'] })}
          >
            Add rule
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
