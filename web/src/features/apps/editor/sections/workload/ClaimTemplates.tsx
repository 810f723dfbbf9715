import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { useClusterStatus } from '../../../../../api/clusters';
import type { AppSpec } from '../../../../../api/appspec';
import { ChoiceListField } from '../../../../../components/form/ListFields';
import { QuantityField, SelectField, TextField } from '../../../../../components/form/fields';
import { ItemCard } from '../ItemCard';

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/** A storage class picked from the cluster's, typed when the cluster's list is not at hand. */
function StorageClassField({ name, clusterId }: { name: string; clusterId: string | null | undefined }) {
  const storageClasses = useClusterStatus(clusterId).data?.pickers.storageClasses;
  const current = useWatch({ name }) as string | null | undefined;
  const items = storageClasses?.items ?? [];
  if (items.length === 0) {
    return (
      <TextField
        name={name}
        label="Storage class"
        optional
        monospace
        placeholder="cluster default"
        description={storageClasses?.reason ?? (clusterId ? undefined : 'Pick the cluster in Basics to choose from its storage classes.')}
      />
    );
  }
  const names = items.map((item) => item.name);
  return (
    <SelectField
      name={name}
      label="Storage class"
      data={current && !names.includes(current) ? [...names, current] : names}
      clearable
      placeholder={items.find((item) => item.isDefault)?.name ?? 'cluster default'}
    />
  );
}

/** A StatefulSet's volume claim templates: one PersistentVolumeClaim per replica. */
export function ClaimTemplates({ base, clusterId }: { base: string; clusterId: string | null | undefined }) {
  const { control } = useFormContext<AppSpec>();
  const path = `${base}.statefulSet.volumeClaimTemplates`;
  const templates = useFieldArray({ control, name: path as 'workloads.0.statefulSet.volumeClaimTemplates' });
  const names = useWatch({ name: path }) as { name?: string }[] | undefined;
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500}>
        Volume claim templates
      </Text>
      {templates.fields.length === 0 && (
        <Text size="sm" c="dimmed">
          None: each replica can get its own volume, mounted in a container with the source “claim template”.
        </Text>
      )}
      {templates.fields.map((template, index) => {
        const item = `${path}.${index}`;
        const shown = names?.[index]?.name || String(index + 1);
        return (
          <ItemCard key={template.id} title={`Claim template ${names?.[index]?.name ?? ''}`} removeLabel={`Remove claim template ${shown}`} onRemove={() => templates.remove(index)}>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextField name={`${item}.name`} label="Template name" required monospace />
              <QuantityField name={`${item}.size`} label="Size" required placeholder="10Gi" />
              <StorageClassField name={`${item}.storageClassName`} clusterId={clusterId} />
            </SimpleGrid>
            <ChoiceListField name={`${item}.accessModes`} label="Access modes" data={ACCESS_MODES} placeholder="ReadWriteOnce" />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconPlus size={14} />}
          onClick={() => templates.append({ name: templates.fields.length === 0 ? 'data' : `data-${templates.fields.length + 1}`, size: '1Gi' })}
        >
          Add claim template
        </Button>
      </Group>
    </Stack>
  );
}
