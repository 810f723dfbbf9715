import { ActionIcon, Button, Group, Input, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, ServiceType } from '../../../../../api/appspec';
import { NumberField, SelectField, TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';
import { options } from './fields';
import { useContainerPortNames, useWorkloadNames } from './refs';

const serviceTypes = options<ServiceType>({
  ClusterIP: 'ClusterIP',
  NodePort: 'NodePort',
  LoadBalancer: 'LoadBalancer',
  Headless: 'Headless',
});

function ServicePorts({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const ports = useFieldArray({ control, name: `${base}.ports` as 'services.0.ports' });
  const targets = useContainerPortNames();
  return (
    <Input.Wrapper label="Ports">
      <Stack gap={6} mt={4}>
        {ports.fields.map((port, index) => (
          <Group key={port.id} gap={6} align="flex-start" wrap="nowrap">
            <NumberField name={`${base}.ports.${index}.port`} label={`Port ${index + 1}`} min={1} max={65535} />
            <SelectField
              name={`${base}.ports.${index}.targetPort`}
              label={`Target ${index + 1}`}
              data={targets}
              placeholder={targets.length === 0 ? 'Name a container port first' : 'Container port'}
            />
            <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove port ${index + 1}`} onClick={() => ports.remove(index)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => ports.append({ port: 80, targetPort: targets[0] ?? 'http' })}>
            Add port
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

export function Services() {
  const { control } = useFormContext<AppSpec>();
  const services = useFieldArray({ control, name: 'services' });
  const workloads = useWorkloadNames();
  const names = useWatch({ name: 'services' }) as { name?: string }[] | undefined;
  return (
    <Stack gap="sm">
      {services.fields.map((service, index) => {
        const base = `services.${index}`;
        const label = names?.[index]?.name || `Service ${index + 1}`;
        return (
          <ItemCard key={service.id} title={`Service ${names?.[index]?.name ?? ''}`} removeLabel={`Remove ${label}`} onRemove={() => services.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextField name={`${base}.name`} label="Service name" optional monospace placeholder="the workload's name" />
              <SelectField name={`${base}.type`} label="Type" data={serviceTypes} placeholder="ClusterIP" />
              <SelectField name={`${base}.workload`} label="Workload" data={workloads} clearable placeholder="the first workload" />
            </SimpleGrid>
            <ServicePorts base={base} />
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => services.append({ ports: [{ port: 80, targetPort: 'http' }] })}>
          Add Service
        </Button>
      </Group>
    </Stack>
  );
}
