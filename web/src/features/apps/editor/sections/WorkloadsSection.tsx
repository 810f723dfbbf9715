import { Button, Group, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, WorkloadKind } from '../../../../api/appspec';
import { SelectField, TextField } from '../../../../components/form/fields';
import { ContainerFields } from './ContainerFields';
import { ItemCard } from './ItemCard';
import { KindSettings } from './workload/KindSettings';
import { PodSettings } from './workload/PodSettings';

const kindHelp: Record<WorkloadKind, string> = {
  Deployment: 'Long-running and replicated, with rolling updates.',
  StatefulSet: 'Stable identities and a volume per replica.',
  DaemonSet: 'One pod on every node.',
  Job: 'Runs to completion.',
  CronJob: 'A Job on a schedule.',
  ReplicaSet: 'Replicas without rollouts.',
  Pod: 'A single bare pod.',
};

const kinds = Object.keys(kindHelp);

function Containers({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const containers = useFieldArray({ control, name: `${base}.containers` as 'workloads.0.containers' });
  const names = useWatch({ name: `${base}.containers` }) as { name?: string }[] | undefined;
  if (containers.fields.length === 0) {
    return (
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => containers.append({ name: 'app', image: '' })}>
          Add container
        </Button>
      </Group>
    );
  }
  return (
    <Tabs defaultValue="0" keepMounted={false}>
      <Tabs.List>
        {containers.fields.map((container, index) => (
          <Tabs.Tab key={container.id} value={String(index)}>
            {names?.[index]?.name || `Container ${index + 1}`}
          </Tabs.Tab>
        ))}
        <Button variant="subtle" size="xs" ml="auto" leftSection={<IconPlus size={14} />} onClick={() => containers.append({ name: `app-${containers.fields.length + 1}`, image: '' })}>
          Add container
        </Button>
      </Tabs.List>
      {containers.fields.map((container, index) => (
        <Tabs.Panel key={container.id} value={String(index)} pt="sm">
          <ContainerFields base={`${base}.containers.${index}`} />
          {containers.fields.length > 1 && (
            <Group justify="flex-end" mt="sm">
              <Button variant="subtle" color="red" size="xs" onClick={() => containers.remove(index)}>
                Remove this container
              </Button>
            </Group>
          )}
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}

/** `clusterId` offers the cluster's storage classes to StatefulSet claim templates; without it they are typed. */
export function WorkloadsSection({ clusterId = null }: { clusterId?: string | null } = {}) {
  const { control } = useFormContext<AppSpec>();
  const workloads = useFieldArray({ control, name: 'workloads' });
  const values = useWatch({ name: 'workloads' }) as { name?: string; kind?: string }[] | undefined;
  return (
    <Stack gap="md">
      {workloads.fields.length === 0 && (
        <Text c="dimmed" size="sm">
          No workloads yet. A workload runs your containers: a Deployment for a web app or API, a StatefulSet for a
          database, a Job or CronJob for batch work.
        </Text>
      )}
      {workloads.fields.map((workload, index) => {
        const base = `workloads.${index}`;
        return (
          <ItemCard
            key={workload.id}
            title={`${values?.[index]?.kind ?? 'Deployment'} ${values?.[index]?.name || ''}`}
            removeLabel={`Remove workload ${values?.[index]?.name || index + 1}`}
            onRemove={() => workloads.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`${base}.name`} label="Workload name" required monospace />
              <SelectField
                name={`${base}.kind`}
                label="Kind"
                data={kinds}
                placeholder="Deployment"
                description={kindHelp[(values?.[index]?.kind as WorkloadKind | undefined) ?? 'Deployment']}
              />
            </SimpleGrid>
            <KindSettings base={base} clusterId={clusterId} />
            <Containers base={base} />
            <PodSettings base={base} />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() =>
            workloads.append({ name: `worker-${workloads.fields.length + 1}`, kind: 'Deployment', containers: [{ name: 'app', image: '' }] })
          }
        >
          Add workload
        </Button>
      </Group>
    </Stack>
  );
}
