import { Anchor, Button, Group, Paper, Select, Skeleton, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconRocket, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { DeploymentStatus } from '../../../api/types';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { PageHeader } from '../../../components/ui/PageHeader';
import { errorMessage } from '../../../lib/http';
import { useClusters } from '../../../api/clusters';
import { deploymentStatuses, useDeployments } from '../api/deployments';
import { useLiveUpdates } from '../api/useLiveUpdates';
import { ImportMenu } from '../import/ImportMenu';
import { relativeTime } from '../time';
import { StatusBadge } from './StatusBadge';
import { TemplateGrid } from './TemplateGrid';

const newButtons = (
  <Group gap="sm">
    <ImportMenu />
    <Button component={Link} to="/apps/new" leftSection={<IconPlus size={16} />}>
      New application
    </Button>
  </Group>
);

/** Home: every application with its live status, cluster, namespace and revision; filters and search. */
export function ApplicationsPage() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<DeploymentStatus | null>(null);
  const [cluster, setCluster] = useState<string | null>(null);
  const [q] = useDebouncedValue(search.trim(), 250);
  const clusters = useClusters();
  const deployments = useDeployments({ q, status: status ?? undefined, cluster: cluster ?? undefined });
  useLiveUpdates({ list: true });
  const filtered = q !== '' || status !== null || cluster !== null;
  const clusterName = (id: string | null) => clusters.data?.find((c) => c.id === id)?.name ?? '—';

  if (deployments.isError) {
    return <ErrorState message={errorMessage(deployments.error)} onRetry={() => deployments.refetch()} />;
  }
  const items = deployments.data?.items;

  if (items?.length === 0 && !filtered) {
    return (
      <>
        <PageHeader title="Applications" description="Your applications and how they are doing, across clusters." />
        <EmptyState icon={<IconRocket size={36} stroke={1.5} />} title="Create your first application" action={newButtons}>
          Describe a workload in a form, watch the manifests grow as you type, review the plan against the cluster and
          deploy. Or start from one of the templates below, or import the manifests or running objects you already have.
        </EmptyState>
        {clusters.data?.length === 0 && (
          <Text ta="center" size="sm" mt="md">
            You will need a cluster to deploy to: <Anchor component={Link} to="/clusters">add one</Anchor>.
          </Text>
        )}
        <Text fw={650} mt={40} mb="md">
          Start from a template
        </Text>
        <TemplateGrid />
      </>
    );
  }

  return (
    <>
      <PageHeader title="Applications" description="Your applications and how they are doing, across clusters." actions={newButtons} />
      <Group mb="md" gap="sm">
        <TextInput
          aria-label="Search by name"
          placeholder="Search by name"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={260}
        />
        <Select
          aria-label="Status"
          placeholder="Any status"
          data={deploymentStatuses.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
          value={status}
          onChange={(value) => setStatus(value as DeploymentStatus | null)}
          clearable
          w={170}
        />
        <Select
          aria-label="Cluster"
          placeholder="Any cluster"
          data={clusters.data?.map((c) => ({ value: c.id, label: c.name })) ?? []}
          value={cluster}
          onChange={setCluster}
          clearable
          w={190}
        />
      </Group>
      <Paper withBorder>
        <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-busy={items === undefined}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Cluster</Table.Th>
              <Table.Th>Namespace</Table.Th>
              <Table.Th>Revision</Table.Th>
              <Table.Th>Resources</Table.Th>
              <Table.Th>Last change</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items === undefined &&
              [0, 1, 2].map((i) => (
                <Table.Tr key={i}>
                  <Table.Td colSpan={7}>
                    <Skeleton h={18} />
                  </Table.Td>
                </Table.Tr>
              ))}
            {items?.map((item) => (
              <Table.Tr key={item.id} data-app={item.name}>
                <Table.Td>
                  <Anchor component={Link} to={`/apps/${item.id}`} fw={600}>
                    {item.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={item.status} reason={item.statusReason} />
                </Table.Td>
                <Table.Td>{clusterName(item.clusterId)}</Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {item.namespace}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {item.revision}
                  {item.appliedRevision !== null && item.appliedRevision !== item.revision && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      (applied {item.appliedRevision})
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{item.resourceCount}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" title={new Date(item.updatedAt).toLocaleString()}>
                    {relativeTime(item.updatedAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {items?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Stack align="center" py="lg" gap={4}>
                    <Text fw={600}>No application matches</Text>
                    <Text size="sm" c="dimmed">
                      Change the search or the filters.
                    </Text>
                  </Stack>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Text size="xs" c="dimmed" mt="xs">
        Statuses update live.
      </Text>
    </>
  );
}
