import { Button, Code, Group, Menu, Paper, ScrollArea, SimpleGrid, Skeleton, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconCopy, IconDownload, IconEdit, IconRocket, IconTrash } from '@tabler/icons-react';
import { loadAll } from 'js-yaml';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Loading } from '../../../components/ui/Loading';
import { errorMessage } from '../../../lib/http';
import { useClusters } from '../../../api/clusters';
import { useDeployment } from '../api/deployments';
import { downloadExport } from '../api/live';
import { useLiveUpdates } from '../api/useLiveUpdates';
import { EventsPanel } from './EventsPanel';
import { LogsPanel } from './LogsPanel';
import { ResourcesPanel } from './ResourcesPanel';
import { relativeTime } from '../time';
import { DeleteApplicationModal } from './DeleteApplicationModal';
import { RevisionsPanel } from './RevisionsPanel';
import { StatusBadge } from './StatusBadge';
import type { MapTarget } from './resourceMap';

// The map is drawn only when its tab opens, so its code stays out of the page's first load.
const ResourceMap = lazy(() => import('./ResourceMap').then((module) => ({ default: module.ResourceMap })));

interface ManifestObject {
  kind: string;
  name: string;
  namespace: string | null;
}

/** The kind and name of each document of the rendered manifests. */
function manifestObjects(yaml: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  try {
    loadAll(yaml, (doc) => {
      if (doc === null || typeof doc !== 'object') return;
      const { kind, metadata } = doc as { kind?: string; metadata?: { name?: string; namespace?: string } };
      if (kind && metadata?.name) objects.push({ kind, name: metadata.name, namespace: metadata.namespace ?? null });
    });
  } catch {
    // The server wrote this YAML; if it cannot be read the list stays empty and the YAML tab still shows it.
  }
  return objects;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

/** The live tabs exist once a revision is applied, the rendered objects before; a deploy seen live switches. */
const liveTabs = ['resources', 'map', 'events', 'logs'];

/** Scrolls the resources list to the row of what the map's node stands for and flashes it; false while it is not shown yet. */
function revealRow(target: MapTarget): boolean {
  const escape = (value: string) => (typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value);
  const selector = 'pod' in target ? `[data-pod="${escape(target.pod)}"]` : `[data-object="${escape(target.object)}"]`;
  const row = document.querySelector<HTMLElement>(selector);
  if (!row) return false;
  row.setAttribute('tabindex', '-1');
  row.focus({ preventScroll: true });
  row.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  row.animate?.(
    [{ backgroundColor: 'var(--mantine-primary-color-light)' }, { backgroundColor: 'var(--mantine-primary-color-light)', offset: 0.6 }, { backgroundColor: 'transparent' }],
    { duration: 2400, easing: 'ease-out' },
  );
  return true;
}

function shownTab(picked: string | null, applied: boolean): string {
  if (picked === null || (applied ? picked === 'objects' : liveTabs.includes(picked))) return applied ? 'resources' : 'objects';
  return picked;
}

export function DetailPage() {
  const { id = '' } = useParams();
  const deployment = useDeployment(id);
  useLiveUpdates({ deploymentId: id });
  const clusters = useClusters();
  const [deleting, { open, close }] = useDisclosure(false);
  const [tab, setTab] = useState<string | null>(null);
  const objects = useMemo(() => (deployment.data ? manifestObjects(deployment.data.yaml) : []), [deployment.data]);
  // A node picked on the map, to show in the resources list once that tab has drawn it.
  const [picked, setPicked] = useState<MapTarget | null>(null);
  useEffect(() => {
    if (picked === null) return;
    let frame = 0;
    let tries = 0;
    const look = () => {
      if (revealRow(picked) || ++tries > 120) setPicked(null);
      else frame = requestAnimationFrame(look);
    };
    frame = requestAnimationFrame(look);
    return () => cancelAnimationFrame(frame);
  }, [picked]);

  if (deployment.isPending) {
    return (
      <Loading label="Loading the application">
        <Skeleton h={36} w="30%" />
        <Skeleton h={120} />
        <Skeleton h={240} />
      </Loading>
    );
  }
  if (deployment.isError) return <ErrorState message={errorMessage(deployment.error)} onRetry={() => deployment.refetch()} />;
  const app = deployment.data;
  const cluster = clusters.data?.find((c) => c.id === app.clusterId);

  return (
    <>
      <Group justify="space-between" mb="lg" align="flex-start">
        <Stack gap={6}>
          <Group gap="sm">
            <Title order={2} fz={26}>
              {app.name}
            </Title>
            <StatusBadge status={app.status} />
          </Group>
          {app.statusReason && (
            <Text size="sm" c={app.status === 'failed' || app.status === 'degraded' ? 'red' : 'dimmed'} data-testid="status-reason">
              {app.statusReason}
            </Text>
          )}
        </Stack>
        <Group gap="sm">
          <Button component={Link} to={`/apps/${app.id}/edit`} variant="default" leftSection={<IconEdit size={16} />}>
            Edit
          </Button>
          <Button component={Link} to={`/apps/new?from=${app.id}`} variant="default" leftSection={<IconCopy size={16} />}>
            Duplicate
          </Button>
          <Button component={Link} to={`/apps/${app.id}/review`} leftSection={<IconRocket size={16} />}>
            Review and deploy
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" leftSection={<IconDownload size={16} />} rightSection={<IconChevronDown size={14} />}>
                Export
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {(['yaml', 'helm'] as const).map((format) => (
                <Menu.Item
                  key={format}
                  onClick={() =>
                    downloadExport(app.id, format, app.revision).catch((error: Error) =>
                      notifications.show({ color: 'red', title: 'Export failed', message: error.message }),
                    )
                  }
                >
                  {format === 'yaml' ? 'Manifests (YAML)' : 'Helm chart (.tgz)'}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={open}>
            Delete
          </Button>
        </Group>
      </Group>
      <Paper withBorder p="lg" mb="lg">
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
          <Fact label="Cluster">{cluster?.name ?? (app.clusterId ? '…' : 'none')}</Fact>
          <Fact label="Namespace">
            <Code>{app.namespace}</Code>
          </Fact>
          <Fact label="Revision">{app.revision}</Fact>
          <Fact label="Applied">{app.appliedRevision === null ? 'never' : `revision ${app.appliedRevision}`}</Fact>
          <Fact label="Resources">{app.resourceCount}</Fact>
          <Fact label="Last change">{relativeTime(app.updatedAt)}</Fact>
        </SimpleGrid>
      </Paper>
      <Tabs value={shownTab(tab, app.appliedRevision !== null)} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {app.appliedRevision !== null && <Tabs.Tab value="resources">Resources</Tabs.Tab>}
          {app.appliedRevision !== null && <Tabs.Tab value="map">Map</Tabs.Tab>}
          {app.appliedRevision !== null && <Tabs.Tab value="events">Events</Tabs.Tab>}
          {app.appliedRevision !== null && <Tabs.Tab value="logs">Logs</Tabs.Tab>}
          {app.appliedRevision === null && <Tabs.Tab value="objects">Objects</Tabs.Tab>}
          <Tabs.Tab value="revisions">Revisions</Tabs.Tab>
          <Tabs.Tab value="yaml">Manifests</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="resources" pt="md">
          <ResourcesPanel id={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="map" pt="md">
          <Suspense
            fallback={
              <Loading label="Loading the resource map">
                <Skeleton h={280} />
              </Loading>
            }
          >
            <ResourceMap
              deployment={app}
              onSelect={(target) => {
                setTab('resources');
                setPicked(target);
              }}
            />
          </Suspense>
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <EventsPanel id={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="logs" pt="md">
          <LogsPanel id={app.id} />
        </Tabs.Panel>
        <Tabs.Panel value="objects" pt="md">
          <Paper withBorder>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Namespace</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {objects.map((object) => (
                  <Table.Tr key={`${object.kind}/${object.namespace ?? ''}/${object.name}`}>
                    <Table.Td>{object.kind}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {object.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>{object.namespace ?? <Text span c="dimmed" size="sm">cluster-wide</Text>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Text size="xs" c="dimmed" mt="xs">
            The objects of revision {app.revision} as rendered; once deployed, their live health shows here.
          </Text>
        </Tabs.Panel>
        <Tabs.Panel value="revisions" pt="md">
          <RevisionsPanel id={app.id} latest={app.revision} applied={app.appliedRevision} />
        </Tabs.Panel>
        <Tabs.Panel value="yaml" pt="md">
          <Paper withBorder>
            <ScrollArea.Autosize mah={600} type="auto" viewportProps={{ tabIndex: 0 }}>
              <Text component="pre" ff="monospace" fz={12} p="md" m={0}>
                {app.yaml}
              </Text>
            </ScrollArea.Autosize>
          </Paper>
        </Tabs.Panel>
      </Tabs>
      <DeleteApplicationModal deployment={app} opened={deleting} onClose={close} />
    </>
  );
}
