import { Badge, Button, Card, Code, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconServer2 } from '@tabler/icons-react';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCurrentUser } from '../../../lib/auth/currentUser';
import { errorMessage } from '../../../lib/http';
import { useClusters } from '../../../api/clusters';
import { AddClusterModal } from './AddClusterModal';
import { ClusterStatusPanel } from './ClusterStatusPanel';
import { DetectedClusters } from './DetectedClusters';
import { Loading } from '../../../components/ui/Loading';

const sourceLabels = {
  in_cluster: 'in-cluster account',
  kubeconfig_path: 'host kubeconfig',
  kubeconfig: 'kubeconfig',
  token: 'token',
} as const;

export function ClustersPage() {
  const user = useCurrentUser();
  const clusters = useClusters();
  const [adding, { open, close }] = useDisclosure(false);

  const addButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      Add cluster
    </Button>
  );

  return (
    <>
      <PageHeader title="Clusters" description="Where your applications run." actions={addButton} />
      {clusters.isPending && (
        <Loading label="Loading the clusters">
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Skeleton h={220} radius="lg" />
            <Skeleton h={220} radius="lg" />
          </SimpleGrid>
        </Loading>
      )}
      {clusters.isError && <ErrorState message={errorMessage(clusters.error)} onRetry={() => clusters.refetch()} />}
      {clusters.data?.length === 0 && (
        <EmptyState icon={<IconServer2 size={36} stroke={1.5} />} title="Connect your first cluster" action={addButton}>
          Upload a kubeconfig or paste an API server address and token. KubeChart checks what the credentials may do
          before you deploy anything.
        </EmptyState>
      )}
      {clusters.data && clusters.data.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {clusters.data.map((cluster) => (
            <Card key={cluster.id} withBorder padding="lg" data-cluster={cluster.name}>
              <Group justify="space-between" mb="xs" wrap="nowrap">
                <Stack gap={0}>
                  <Text fw={650}>{cluster.name}</Text>
                  <Text size="xs" c="dimmed">
                    {sourceLabels[cluster.source]}
                    {cluster.context && (
                      <>
                        {' '}
                        · context <Code>{cluster.context}</Code>
                      </>
                    )}
                    {cluster.owner.id !== user.id && <> · added by {cluster.owner.username}</>}
                  </Text>
                </Stack>
                {cluster.shared && <Badge variant="light">shared</Badge>}
              </Group>
              {cluster.serverUrl && (
                <Text size="xs" c="dimmed" mb="sm" ff="monospace">
                  {cluster.serverUrl}
                </Text>
              )}
              <ClusterStatusPanel clusterId={cluster.id} />
            </Card>
          ))}
        </SimpleGrid>
      )}
      {user.role === 'admin' && <DetectedClusters />}
      <AddClusterModal opened={adding} onClose={close} />
    </>
  );
}
