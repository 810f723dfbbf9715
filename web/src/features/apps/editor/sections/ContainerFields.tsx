import { ActionIcon, Button, Divider, Group, Input, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import { NumberField, QuantityField, SelectField, StringListField, TextField } from '../../../../components/form/fields';

const pullPolicies = ['IfNotPresent', 'Always', 'Never'];

/** Ports: name and number, which Services and probes refer to. */
function PortsField({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const ports = useFieldArray({ control, name: `${base}.ports` as 'workloads.0.containers.0.ports' });
  return (
    <Input.Wrapper label="Ports">
      <Stack gap={6} mt={4}>
        {ports.fields.map((port, index) => (
          <Group key={port.id} gap={6} align="flex-start" wrap="nowrap">
            <TextField name={`${base}.ports.${index}.name`} label={`Port ${index + 1} name`} placeholder="http" />
            <NumberField name={`${base}.ports.${index}.containerPort`} label={`Port ${index + 1} number`} min={1} max={65535} />
            <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove port ${index + 1}`} onClick={() => ports.remove(index)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => ports.append({ name: '', containerPort: 8080 })}>
            Add port
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

/** Environment variables with a literal value; the other sources are kept and edited in the YAML tab. */
function EnvField({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const env = useFieldArray({ control, name: `${base}.env` as 'workloads.0.containers.0.env' });
  return (
    <Input.Wrapper label="Environment variables">
      <Stack gap={6} mt={4}>
        {env.fields.map((variable, index) => {
          const fromElsewhere = variable.configMapKey
            ? `from ConfigMap ${variable.configMapKey.name}, key ${variable.configMapKey.key}`
            : variable.secretKey
              ? `from Secret ${variable.secretKey.name}, key ${variable.secretKey.key}`
              : variable.fieldPath
                ? `from the pod field ${variable.fieldPath}`
                : null;
          return (
            <Group key={variable.id} gap={6} align="flex-start" wrap="nowrap">
              <TextField name={`${base}.env.${index}.name`} label={`Variable ${index + 1} name`} monospace />
              {fromElsewhere ? (
                <Text size="xs" c="dimmed" mt={32} style={{ flex: 1 }}>
                  {fromElsewhere}
                </Text>
              ) : (
                <TextField name={`${base}.env.${index}.value`} label={`Variable ${index + 1} value`} optional monospace />
              )}
              <ActionIcon variant="subtle" color="gray" mt={26} size={36} aria-label={`Remove variable ${index + 1}`} onClick={() => env.remove(index)}>
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          );
        })}
        <Group>
          <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => env.append({ name: '', value: '' })}>
            Add variable
          </Button>
        </Group>
      </Stack>
    </Input.Wrapper>
  );
}

/** One container: image, pull policy, command, ports, environment, resources and the HTTP readiness check. */
export function ContainerFields({ base }: { base: string }) {
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextField name={`${base}.name`} label="Container name" required monospace />
        <SelectField name={`${base}.imagePullPolicy`} label="Pull policy" data={pullPolicies} clearable placeholder="Kubernetes default" />
      </SimpleGrid>
      <TextField name={`${base}.image`} label="Image" required monospace placeholder="ghcr.io/acme/shop:1.4.2" />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <StringListField name={`${base}.command`} label="Command" placeholder="Replaces the entrypoint" />
        <StringListField name={`${base}.args`} label="Arguments" />
      </SimpleGrid>
      <PortsField base={base} />
      <EnvField base={base} />
      <Divider label="Resources" labelPosition="left" />
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <QuantityField name={`${base}.resources.requests.cpu`} label="CPU request" placeholder="250m" />
        <QuantityField name={`${base}.resources.limits.cpu`} label="CPU limit" placeholder="1" />
        <QuantityField name={`${base}.resources.requests.memory`} label="Memory request" placeholder="256Mi" />
        <QuantityField name={`${base}.resources.limits.memory`} label="Memory limit" placeholder="512Mi" />
      </SimpleGrid>
      <Divider label="Readiness check (HTTP)" labelPosition="left" />
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextField name={`${base}.readinessProbe.httpGet.path`} label="Path" optional placeholder="/healthz" monospace />
        <TextField name={`${base}.readinessProbe.httpGet.port`} label="Port (name or number)" optional placeholder="http" monospace />
        <NumberField name={`${base}.readinessProbe.periodSeconds`} label="Every (seconds)" min={1} />
      </SimpleGrid>
    </Stack>
  );
}
