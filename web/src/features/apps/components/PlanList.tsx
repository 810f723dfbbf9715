import { Accordion, Badge, Code, Group, Stack, Text } from '@mantine/core';
import type { PlanAction, PlannedObject } from '../../../api/types';
import { sentence } from '../../../lib/http';
import { YamlDiff } from './YamlDiff';

const actionLooks: Record<PlanAction, { color: string; label: string; says: string }> = {
  create: { color: 'green', label: 'create', says: 'does not exist yet and will be created' },
  update: { color: 'blue', label: 'update', says: 'exists and will be changed' },
  unchanged: { color: 'gray', label: 'unchanged', says: 'already matches' },
  adopt: { color: 'orange', label: 'adopt', says: 'exists outside this application and will be taken over' },
  prune: { color: 'red', label: 'prune', says: 'is no longer in the spec and will be deleted' },
  release: { color: 'yellow', label: 'release', says: 'is no longer in the spec and will be left in the cluster' },
};

export function ActionBadge({ action }: { action: PlanAction }) {
  const { color, label } = actionLooks[action];
  return (
    <Badge color={color} variant="light" w={88} data-action={action}>
      {label}
    </Badge>
  );
}

function objectName(planned: PlannedObject): string {
  const { kind, name, namespace } = planned.object;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The plan per object: what applying does to it, why, and the YAML diff live → desired. */
export function PlanList({ objects }: { objects: PlannedObject[] }) {
  return (
    <Accordion variant="separated" multiple chevronPosition="left">
      {objects.map((planned) => (
        <Accordion.Item
          key={`${planned.object.apiVersion}/${planned.object.kind}/${planned.object.namespace ?? ''}/${planned.object.name}`}
          value={objectName(planned)}
          data-object={`${planned.object.kind}/${planned.object.name}`}
        >
          <Accordion.Control>
            <Group justify="space-between" wrap="nowrap">
              <Group gap="sm" wrap="nowrap">
                <ActionBadge action={planned.action} />
                <Text ff="monospace" size="sm">
                  {objectName(planned)}
                </Text>
              </Group>
              <Group gap="xs" wrap="nowrap">
                {planned.rollsPods && (
                  <Badge color="orange" variant="light" data-rolls-pods>
                    pods roll
                  </Badge>
                )}
                {planned.failure && (
                  <Badge color="red" variant="filled">
                    cannot apply
                  </Badge>
                )}
              </Group>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                This object {actionLooks[planned.action].says}
                {planned.owner ? ` (it belongs to ${planned.owner} now)` : ''}.
                {planned.note ? ` ${sentence(planned.note)}` : ''}
              </Text>
              {planned.rollsPodsReason && <Text size="sm">{sentence(planned.rollsPodsReason)}</Text>}
              {planned.failure && (
                <Text size="sm" c="red">
                  {planned.failure.path && <Code>{planned.failure.path}</Code>} {sentence(planned.failure.message)}
                </Text>
              )}
              {planned.conflicts.length > 0 && (
                <Text size="sm">
                  Fields managed by someone else, taken over on apply:{' '}
                  {planned.conflicts.map((conflict) => (
                    <Code key={conflict.field} mr={4}>
                      {conflict.field} ({conflict.manager})
                    </Code>
                  ))}
                </Text>
              )}
              {planned.action !== 'unchanged' && <YamlDiff diff={planned.diff} />}
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
