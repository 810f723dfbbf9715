import { ActionIcon, Button, Group, Input, Stack } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { NumberField, TextField } from '../../../../../components/form/fields';

/** Ports: name and number, which Services and probes refer to. */
export function PortsField({ base }: { base: string }) {
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
