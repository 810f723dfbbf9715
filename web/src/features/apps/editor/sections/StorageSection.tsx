import { Button, Group, SimpleGrid, Stack } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import type { AppSpec } from '../../../../api/appspec';
import { QuantityField, SelectField, StringListField, TextField } from '../../../../components/form/fields';
import { useClusterStatus } from '../../../../api/clusters';
import { ItemCard } from './ItemCard';

export function StorageSection({ clusterId }: { clusterId: string | null }) {
  const { control } = useFormContext<AppSpec>();
  const claims = useFieldArray({ control, name: 'persistentVolumeClaims' });
  const names = useWatch({ name: 'persistentVolumeClaims' }) as { name?: string }[] | undefined;
  const storageClasses = useClusterStatus(clusterId).data?.pickers.storageClasses;
  return (
    <Stack gap="sm">
      {claims.fields.map((claim, index) => {
        const base = `persistentVolumeClaims.${index}`;
        return (
          <ItemCard
            key={claim.id}
            title={`PersistentVolumeClaim ${names?.[index]?.name ?? ''}`}
            removeLabel={`Remove claim ${names?.[index]?.name || index + 1}`}
            onRemove={() => claims.remove(index)}
          >
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              <TextField name={`${base}.name`} label="Claim name" required monospace />
              <QuantityField name={`${base}.size`} label="Size" required placeholder="10Gi" />
              <SelectField
                name={`${base}.storageClassName`}
                label="Storage class"
                data={storageClasses?.items.map((item) => item.name) ?? []}
                clearable
                placeholder={storageClasses?.items.find((item) => item.isDefault)?.name ?? 'cluster default'}
                description={storageClasses?.reason ?? undefined}
              />
            </SimpleGrid>
            <StringListField name={`${base}.accessModes`} label="Access modes" placeholder="ReadWriteOnce" />
          </ItemCard>
        );
      })}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => claims.append({ name: `data-${claims.fields.length + 1}`, size: '1Gi' })}
        >
          Add volume claim
        </Button>
      </Group>
    </Stack>
  );
}
