import { Button, Group, Select, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../../api/appspec';
import { TextField } from '../../../../../components/form/fields';
import { describe } from '../../../../../components/form/FieldWarning';
import { KeyValueField } from '../../../../../components/form/KeyValueField';
import { useBoundField } from '../../../../../components/form/useBoundField';
import { ItemCard } from '../ItemCard';

/** Yes, no, or left to Kubernetes (which mounts the token): the field is a nullable boolean. */
function AutomountField({ name }: { name: string }) {
  const { field, error, warning } = useBoundField(name);
  const value = field.value === true ? 'yes' : field.value === false ? 'no' : 'default';
  return (
    <Select
      label="Mount the API token into pods"
      description={describe(undefined, warning)}
      name={field.name}
      ref={field.ref}
      data={[
        { value: 'default', label: 'Kubernetes default (yes)' },
        { value: 'yes', label: 'Yes' },
        { value: 'no', label: 'No' },
      ]}
      allowDeselect={false}
      value={value}
      onChange={(next) => field.onChange(next === 'yes' ? true : next === 'no' ? false : undefined)}
      onBlur={field.onBlur}
      error={error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function ServiceAccounts() {
  const { control } = useFormContext<AppSpec>();
  const accounts = useFieldArray({ control, name: 'serviceAccounts' });
  const names = useWatch({ name: 'serviceAccounts' }) as { name?: string }[] | undefined;
  return (
    <Stack gap="sm">
      {accounts.fields.map((account, index) => {
        const name = names?.[index]?.name ?? '';
        return (
          <ItemCard
            key={account.id}
            title={`ServiceAccount ${name}`}
            removeLabel={`Remove ServiceAccount ${name || index + 1}`}
            onRemove={() => accounts.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextField name={`serviceAccounts.${index}.name`} label="ServiceAccount name" required monospace />
              <AutomountField name={`serviceAccounts.${index}.automountToken`} />
            </SimpleGrid>
            <KeyValueField
              name={`serviceAccounts.${index}.annotations`}
              label="ServiceAccount annotations"
              description="E.g. the cloud IAM role the pods act as."
              keyLabel="Annotation"
            />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => accounts.append({ name: `sa-${accounts.fields.length + 1}` })}
        >
          Add ServiceAccount
        </Button>
      </Group>
    </Stack>
  );
}
