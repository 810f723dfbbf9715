import { SimpleGrid, Stack } from '@mantine/core';
import { useWatch } from 'react-hook-form';
import { SuggestField } from '../../../../../components/form/ListFields';
import { KeyValueField } from '../../../../../components/form/KeyValueField';
import { MoreSettings } from './fields';
import { Tolerations } from './Tolerations';

/** Where the pods run and as whom: service account, node selector, tolerations. */
export function PodSettings({ base }: { base: string }) {
  const accounts = useWatch({ name: 'serviceAccounts' }) as { name?: string }[] | undefined;
  const accountNames = [...new Set((accounts ?? []).map((account) => account.name).filter((name): name is string => Boolean(name)))];
  return (
    <MoreSettings label="Scheduling and identity" paths={[`${base}.serviceAccount`, `${base}.nodeSelector`, `${base}.tolerations`]}>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <SuggestField
            name={`${base}.serviceAccount`}
            label="Service account"
            data={accountNames}
            optional
            placeholder="default"
            description={accountNames.length === 0 ? 'One of the app’s ServiceAccounts (Access) or an existing one.' : 'One of the app’s ServiceAccounts or an existing one.'}
          />
        </SimpleGrid>
        <KeyValueField name={`${base}.nodeSelector`} label="Node selector" keyLabel="Label" />
        <Tolerations base={base} />
      </Stack>
    </MoreSettings>
  );
}
