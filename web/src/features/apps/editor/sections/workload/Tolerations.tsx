import { ActionIcon, Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { NumberField, SelectField, TextField } from '../../../../../components/form/fields';

const OPERATORS = [
  { value: 'Equal', label: 'Equal (key and value)' },
  { value: 'Exists', label: 'Exists (any value)' },
];

const EFFECTS = [
  { value: 'NoSchedule', label: 'NoSchedule' },
  { value: 'PreferNoSchedule', label: 'PreferNoSchedule' },
  { value: 'NoExecute', label: 'NoExecute' },
];

type Toleration = { key?: string | null; operator?: string | null; value?: string | null; effect?: string | null };

/** The taints the pods tolerate, one row each. */
export function Tolerations({ base }: { base: string }) {
  const { control } = useFormContext<AppSpec>();
  const path = `${base}.tolerations`;
  const tolerations = useFieldArray({ control, name: path as 'workloads.0.tolerations' });
  const values = useWatch({ name: path }) as Toleration[] | undefined;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        Tolerations
      </Text>
      {tolerations.fields.map((toleration, index) => {
        const item = `${path}.${index}`;
        const value = values?.[index];
        const exists = value?.operator === 'Exists';
        return (
          <Group key={toleration.id} gap="xs" align="flex-start" wrap="nowrap">
            <SimpleGrid cols={{ base: 1, sm: value?.effect === 'NoExecute' ? 5 : 4 }} spacing="xs" style={{ flex: 1 }}>
              <TextField name={`${item}.key`} label="Taint key" optional monospace placeholder={exists ? 'any taint' : 'dedicated'} />
              <SelectField name={`${item}.operator`} label="Operator" data={OPERATORS} clearable placeholder="Equal" />
              {/* With Exists a value is not allowed: shown only while one is left to clear. */}
              {(!exists || Boolean(value?.value)) && <TextField name={`${item}.value`} label="Taint value" optional monospace />}
              <SelectField name={`${item}.effect`} label="Effect" data={EFFECTS} clearable placeholder="All effects" />
              {value?.effect === 'NoExecute' && <NumberField name={`${item}.tolerationSeconds`} label="Stay bound (seconds)" min={0} placeholder="forever" />}
            </SimpleGrid>
            <ActionIcon
              variant="subtle"
              color="gray"
              size={36}
              mt={24}
              aria-label={`Remove toleration ${value?.key || index + 1}`}
              onClick={() => tolerations.remove(index)}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => tolerations.append({ operator: 'Equal', effect: 'NoSchedule' })}>
          Add toleration
        </Button>
      </Group>
    </Stack>
  );
}
