import { zodResolver } from '@hookform/resolvers/zod';
import { Anchor, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { Link } from 'react-router';
import { useClusterNamespaces, useClusters } from '../../../api/clusters';
import { monospaceInput } from '../../../components/form/fields';
import { errorMessage } from '../../../lib/http';
import {
  clusterImportFormSchema,
  clusterImportRequest,
  useImportFromCluster,
  type ClusterImport,
  type ClusterImportForm,
} from '../api/importFromCluster';
import { ImportProblems } from './ImportProblems';
import { placeImportError, type ImportProblem } from './problems';


/** The namespaces of the picked cluster, read from it; the reason in words when it cannot be read. */
function NamespaceSelect({
  clusterId,
  value,
  onChange,
  error,
}: {
  clusterId: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const namespaces = useClusterNamespaces(clusterId === '' ? null : clusterId);
  return (
    <Select
      label="Namespace"
      required
      searchable
      description={namespaces.isError ? undefined : 'Objects of the kinds the form knows are read from it.'}
      placeholder={clusterId === '' ? 'Pick a cluster first' : namespaces.isPending ? 'Reading the namespaces…' : 'Pick a namespace'}
      data={namespaces.data ?? []}
      value={value === '' ? null : value}
      onChange={(next) => onChange(next ?? '')}
      disabled={clusterId === ''}
      error={error ?? (namespaces.isError ? errorMessage(namespaces.error) : undefined)}
      nothingFoundMessage="No namespace matches"
      comboboxProps={{ withinPortal: true }}
      styles={monospaceInput}
    />
  );
}

/**
 * A namespace of a registered cluster (optionally narrowed by a label selector) imported as a draft
 * application; the answer goes to `onImported`.
 */
export function ImportClusterForm({ onImported }: { onImported: (result: ClusterImport) => void }) {
  const clusters = useClusters();
  const importFromCluster = useImportFromCluster();
  const [problems, setProblems] = useState<ImportProblem[]>([]);
  const onlyCluster = clusters.data?.length === 1 ? clusters.data[0]!.id : '';
  const {
    control,
    register,
    handleSubmit,
    setError,
    setValue,
    formState: { errors, isSubmitting },
  } = useForm<ClusterImportForm>({
    resolver: zodResolver(clusterImportFormSchema),
    values: { clusterId: onlyCluster, namespace: '', selector: '', name: '' },
    resetOptions: { keepDirtyValues: true },
  });
  const clusterId = useWatch({ control, name: 'clusterId' });

  const submit = handleSubmit(async (values) => {
    setProblems([]);
    try {
      onImported(await importFromCluster.mutateAsync(clusterImportRequest(values)));
    } catch (error) {
      setProblems(placeImportError(error, ['namespace', 'selector', 'name'], setError));
    }
  });

  if (clusters.data?.length === 0) {
    return (
      <Text size="sm">
        There is no cluster to read from yet: <Anchor component={Link} to="/clusters">add one</Anchor>.
      </Text>
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <ImportProblems problems={problems} />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Controller
            control={control}
            name="clusterId"
            render={({ field, fieldState }) => (
              <Select
                label="Cluster"
                required
                placeholder="Pick a cluster"
                data={clusters.data?.map((cluster) => ({ value: cluster.id, label: cluster.name })) ?? []}
                value={field.value === '' ? null : field.value}
                onChange={(next) => {
                  field.onChange(next ?? '');
                  setValue('namespace', '');
                }}
                error={fieldState.error?.message}
                comboboxProps={{ withinPortal: true }}
              />
            )}
          />
          <Controller
            control={control}
            name="namespace"
            render={({ field, fieldState }) => (
              <NamespaceSelect clusterId={clusterId} value={field.value} onChange={field.onChange} error={fieldState.error?.message} />
            )}
          />
          <TextInput
            label="Label selector"
            description="Optional, as with kubectl -l: only the objects it matches."
            placeholder="app=shop"
            styles={monospaceInput}
            error={errors.selector?.message}
            {...register('selector')}
          />
          <TextInput
            label="Application name"
            description="Optional: taken from the objects' labels by default."
            styles={monospaceInput}
            error={errors.name?.message}
            {...register('name')}
          />
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          Nothing changes in the cluster now: the import is saved as a draft, and its first deploy takes the objects
          over where they are, without recreating them.
        </Text>
        <Group>
          <Button type="submit" loading={isSubmitting} leftSection={<IconCloudDownload size={16} />}>
            Import
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
