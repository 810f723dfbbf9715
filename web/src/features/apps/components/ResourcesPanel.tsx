import { Code, Group, Paper, Skeleton, Stack, Table, Text } from '@mantine/core';
import { Fragment } from 'react';
import type { LivePod } from '../../../api/types';
import { errorMessage } from '../../../lib/http';
import { useResources } from '../api/live';
import { HealthBadge } from './HealthBadge';
import { Loading } from '../../../components/ui/Loading';

function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** A workload's pods: readiness, restarts, age, node, and why a container does not start. */
function PodRows({ pods }: { pods: LivePod[] }) {
  return (
    <>
      {pods.map((pod) => {
        const stuck = pod.containers.find((c) => c.reason && !c.ready && c.reason !== 'Completed');
        return (
          <Table.Tr key={pod.name} data-pod={pod.name}>
            <Table.Td pl={36}>
              <Text size="xs" c="dimmed">
                Pod
              </Text>
            </Table.Td>
            <Table.Td>
              <Text ff="monospace" size="xs">
                {pod.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <HealthBadge state={pod.health.state} />
            </Table.Td>
            <Table.Td>
              <Text size="xs">
                {pod.readyContainers}/{pod.containerCount} ready · {pod.restarts} restart{pod.restarts === 1 ? '' : 's'} ·{' '}
                {age(pod.ageSeconds)} · {pod.node ?? 'not scheduled'}
              </Text>
              {stuck && (
                <Text size="xs" c="red" data-testid="pod-problem">
                  {stuck.name}: {stuck.reason}
                  {stuck.message ? ` — ${stuck.message}` : ''} ({stuck.image})
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        );
      })}
    </>
  );
}

/** Every object of the applied revision with its health and reason; workloads list their pods. */
export function ResourcesPanel({ id }: { id: string }) {
  const resources = useResources(id);
  if (resources.isPending) {
    return (
      <Loading label="Reading the live objects">
        <Skeleton h={200} />
      </Loading>
    );
  }
  if (resources.isError) return <Text c="red">{errorMessage(resources.error)}</Text>;
  if (resources.data.objects.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing is applied yet: review and deploy to create the objects.
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      {resources.data.health && (
        <Group gap="xs">
          <HealthBadge state={resources.data.health.state} />
          <Text size="sm">{resources.data.health.reason}</Text>
        </Group>
      )}
      <Paper withBorder>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Health</Table.Th>
              <Table.Th>Reason</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {resources.data.objects.map((object) => (
              <Fragment key={`${object.kind}/${object.namespace ?? ''}/${object.name}`}>
                <Table.Tr data-object={`${object.kind}/${object.name}`}>
                  <Table.Td>{object.kind}</Table.Td>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {object.namespace ? '' : <Code mr={4}>cluster</Code>}
                      {object.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <HealthBadge state={object.health.state} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={object.health.state === 'Failed' ? 'red' : undefined}>
                      {object.health.reason}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {object.pods && <PodRows pods={object.pods} />}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
