import { Autocomplete, Select, SimpleGrid, Stack } from '@mantine/core';
import { useController, useFormContext } from 'react-hook-form';
import { SwitchField, TextField } from '../../../../components/form/fields';
import { describe } from '../../../../components/form/FieldWarning';
import { KeyValueField } from '../../../../components/form/KeyValueField';
import { useFieldIssues } from '../../../../lib/form/issues';
import { sentence } from '../../../../lib/http';
import { useClusterStatus, useClusters } from '../../../../api/clusters';

/** The namespace: picked from the cluster's namespaces, or typed to create a new one. */
function NamespaceField({ clusterId }: { clusterId: string | null }) {
  const { control } = useFormContext();
  const { field } = useController({ name: 'namespace', control });
  const issues = useFieldIssues('namespace');
  const status = useClusterStatus(clusterId);
  const picker = status.data?.pickers.namespaces;
  const names = picker?.items.map((item) => item.name) ?? [];
  return (
    <Autocomplete
      label="Namespace"
      description={describe(
        picker?.reason ?? (clusterId ? 'Pick one of the cluster’s namespaces or type a new name.' : 'Defaults to "default".'),
        issues.warning,
      )}
      placeholder="default"
      data={names}
      name={field.name}
      ref={field.ref}
      value={typeof field.value === 'string' ? field.value : ''}
      onChange={(value) => field.onChange(value === '' ? undefined : value)}
      onBlur={field.onBlur}
      error={issues.error ? sentence(issues.error) : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function BasicsSection({
  clusterId,
  onClusterChange,
  clusterLocked,
}: {
  clusterId: string | null;
  onClusterChange: (id: string | null) => void;
  clusterLocked: boolean;
}) {
  const clusters = useClusters();
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextField name="name" label="Application name" required monospace description="Lower-case letters, digits and dashes." />
        <Select
          label="Cluster"
          description={clusterLocked ? 'An applied application stays on its cluster.' : 'Where it will be deployed.'}
          placeholder={clusters.data?.length === 0 ? 'Add a cluster first' : 'Pick a cluster'}
          data={clusters.data?.map((cluster) => ({ value: cluster.id, label: cluster.name })) ?? []}
          value={clusterId}
          onChange={onClusterChange}
          disabled={clusterLocked}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <NamespaceField clusterId={clusterId} />
        <TextField name="partOf" label="Part of" optional description="The larger system it belongs to." />
      </SimpleGrid>
      <SwitchField name="createNamespace" label="Create the namespace" description="Adds a Namespace object, applied before everything else." />
      <KeyValueField name="labels" label="Labels" description="Put on every generated object." keyLabel="Label" />
      <KeyValueField name="annotations" label="Annotations" keyLabel="Annotation" />
    </Stack>
  );
}
