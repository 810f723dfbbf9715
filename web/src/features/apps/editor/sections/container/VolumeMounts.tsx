import { ActionIcon, Button, Group, Input, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, ContainerSpec, WorkloadSpec } from '../../../../../api/appspec';
import { SelectField, SwitchField, TextField } from '../../../../../components/form/fields';
import { SuggestField } from '../../../../../components/form/ListFields';
import { options, useClaimNames, useConfigMaps, useSecrets, workloadOf } from './shared';

type Mount = NonNullable<ContainerSpec['volumeMounts']>[number];
type MountSource = Mount['source'];

const SOURCES = options<MountSource>({
  configMap: 'ConfigMap',
  secret: 'Secret',
  persistentVolumeClaim: 'PersistentVolumeClaim',
  claimTemplate: 'Volume claim template',
  emptyDir: 'Scratch directory (emptyDir)',
});

/** What each kind of source can be: the app's ConfigMaps, Secrets and claims, the workload's templates and scratch volumes. */
function useSourceNames(base: string): Record<MountSource, string[]> {
  const workload = useWatch({ name: workloadOf(base) }) as WorkloadSpec | undefined;
  const configMaps = useConfigMaps().map((object) => object.name);
  const secrets = useSecrets().map((object) => object.name);
  const claims = useClaimNames();
  const templates = (workload?.statefulSet?.volumeClaimTemplates ?? []).map((template) => template?.name).filter(Boolean);
  const scratch = new Set<string>();
  for (const container of [...(workload?.containers ?? []), ...(workload?.initContainers ?? [])])
    for (const mount of container?.volumeMounts ?? []) if (mount?.source === 'emptyDir' && mount.name) scratch.add(mount.name);
  return { configMap: configMaps, secret: secrets, persistentVolumeClaim: claims, claimTemplate: templates, emptyDir: [...scratch] };
}

function MountRow({ base, index, names, onRemove }: { base: string; index: number; names: Record<MountSource, string[]>; onRemove: () => void }) {
  const at = `${base}.volumeMounts.${index}`;
  const source = (useWatch({ name: `${at}.source` }) as MountSource | undefined) ?? 'emptyDir';
  const label = `Mount ${index + 1}`;
  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <Stack gap={6} style={{ flex: 1 }}>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing={6}>
          <SelectField name={`${at}.source`} label={`${label} source`} data={SOURCES} required />
          <SuggestField
            name={`${at}.name`}
            label={`${label} name`}
            data={names[source] ?? []}
            required
            placeholder={source === 'emptyDir' ? 'scratch' : 'Pick or type a name'}
          />
          <TextField name={`${at}.mountPath`} label={`${label} path`} required monospace placeholder="/etc/app" />
        </SimpleGrid>
        <Group gap="md" align="flex-end">
          <div style={{ flex: 1 }}>
            <TextField name={`${at}.subPath`} label={`${label} sub path`} optional monospace placeholder="whole volume" />
          </div>
          <div style={{ paddingBottom: 8 }}>
            <SwitchField name={`${at}.readOnly`} label={`${label} read-only`} />
          </div>
        </Group>
      </Stack>
      <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove mount ${index + 1}`} onClick={onRemove}>
        <IconTrash size={16} />
      </ActionIcon>
    </Group>
  );
}

/** Volume mounts: each names its source, from which the pod's volumes are derived. */
export function VolumeMountsField({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const mounts = useFieldArray({ control, name: `${base}.volumeMounts` as 'workloads.0.containers.0.volumeMounts' });
  const names = useSourceNames(base);
  const firstSource = (['configMap', 'secret', 'persistentVolumeClaim', 'claimTemplate'] as const).find((source) => names[source].length > 0);
  return (
    <Input.Wrapper label="Volume mounts">
      <Stack gap="sm" mt={4}>
        {mounts.fields.length === 0 && (
          <Text size="sm" c="dimmed">
            Mount the app's ConfigMaps, Secrets and PersistentVolumeClaims, or a scratch directory.
          </Text>
        )}
        {mounts.fields.map((mount, index) => (
          <MountRow key={mount.id} base={base} index={index} names={names} onRemove={() => mounts.remove(index)} />
        ))}
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() =>
              mounts.append(
                firstSource
                  ? { source: firstSource, name: names[firstSource][0] ?? '', mountPath: '' }
                  : { source: 'emptyDir', name: 'scratch', mountPath: '/tmp' },
              )
            }
          >
            Add mount
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}
