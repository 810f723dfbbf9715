import { ActionIcon, Button, Divider, Group, Input, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec, WorkloadSpec } from '../../../../api/appspec';
import { NumberField, SelectField, TextField } from '../../../../components/form/fields';
import { ItemCard } from './ItemCard';

const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless'];

/** The app's container port names, offered as Service targets. */
function useContainerPortNames(): string[] {
  const workloads = useWatch({ name: 'workloads' }) as WorkloadSpec[] | undefined;
  const names = new Set<string>();
  for (const workload of workloads ?? [])
    for (const container of workload.containers ?? []) for (const port of container.ports ?? []) if (port.name) names.add(port.name);
  return [...names];
}

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

function Services() {
  const { control } = useFormContext<AppSpec>();
  const services = useFieldArray({ control, name: 'services' });
  const workloads = (useWatch({ name: 'workloads' }) as WorkloadSpec[] | undefined) ?? [];
  const names = useWatch({ name: 'services' }) as { name?: string }[] | undefined;
  return (
    <Stack gap="sm">
      {services.fields.map((service, index) => {
        const base = `services.${index}`;
        const label = names?.[index]?.name || `Service ${index + 1}`;
        return (
          <ItemCard key={service.id} title={`Service ${names?.[index]?.name ?? ''}`} removeLabel={`Remove ${label}`} onRemove={() => services.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextField name={`${base}.name`} label="Service name" optional monospace placeholder="the app's name" />
              <SelectField name={`${base}.type`} label="Type" data={serviceTypes} placeholder="ClusterIP" />
              <SelectField
                name={`${base}.workload`}
                label="Workload"
                data={workloads.map((w) => w.name).filter(Boolean)}
                clearable
                placeholder="the first workload"
              />
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

function Ingresses() {
  const { control } = useFormContext<AppSpec>();
  const ingresses = useFieldArray({ control, name: 'ingresses' });
  return (
    <Stack gap="sm">
      {ingresses.fields.map((ingress, index) => {
        const base = `ingresses.${index}`;
        return (
          <ItemCard key={ingress.id} title={`Ingress ${index + 1}`} removeLabel={`Remove Ingress ${index + 1}`} onRemove={() => ingresses.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`${base}.className`} label="Ingress class" optional placeholder="cluster default" />
              <TextField name={`${base}.tls.certificate`} label="TLS certificate" optional placeholder="a Certificate of this app" />
            </SimpleGrid>
            {ingress.rules.map((_, ruleIndex) => (
              <SimpleGrid key={ruleIndex} cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextField name={`${base}.rules.${ruleIndex}.host`} label={`Host ${ruleIndex + 1}`} optional placeholder="shop.example.com" />
                <TextField name={`${base}.rules.${ruleIndex}.paths.0.path`} label={`Path ${ruleIndex + 1}`} placeholder="/" />
              </SimpleGrid>
            ))}
            {ingress.rules.length === 0 && (
              <Text size="sm" c="dimmed">
                This Ingress has no rules; add them in the YAML tab.
              </Text>
            )}
          </ItemCard>
        );
      })}
      <Group>
        <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => ingresses.append({ rules: [{ paths: [{ path: '/' }] }] })}>
          Add Ingress
        </Button>
      </Group>
    </Stack>
  );
}

export function NetworkingSection() {
  return (
    <Stack gap="lg">
      <Divider label="Services" labelPosition="left" />
      <Services />
      <Divider label="Ingresses" labelPosition="left" />
      <Ingresses />
    </Stack>
  );
}
