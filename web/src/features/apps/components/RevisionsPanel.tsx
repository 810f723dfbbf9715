import { Button, Code, Group, Paper, Select, Skeleton, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../../../lib/http';
import { useRevisionDiff, useRevisions } from '../api/deployments';
import { useRollback } from '../api/live';
import { relativeTime } from '../time';
import { YamlDiff } from './YamlDiff';
import { Loading } from '../../../components/ui/Loading';

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const absent = (value: unknown) => value === null || value === undefined;

/** A field the newer revision adds, removes or changes; said in words where a side is empty. */
function changeOf(before: unknown, after: unknown): 'added' | 'removed' | 'changed' {
  if (absent(before)) return 'added';
  return absent(after) ? 'removed' : 'changed';
}

function FieldValue({ value, missing }: { value: unknown; missing: string }) {
  if (absent(value)) {
    return (
      <Text size="xs" c="dimmed" fs="italic">
        {missing}
      </Text>
    );
  }
  return (
    <Text size="xs" ff="monospace" lineClamp={3}>
      {show(value)}
    </Text>
  );
}

/** The history, and what changed between two revisions: fields of the spec, then the manifests. */
export function RevisionsPanel({ id, latest, applied }: { id: string; latest: number; applied: number | null }) {
  const revisions = useRevisions(id);
  const rollback = useRollback(id);
  const rollBackTo = async (revision: number) => {
    try {
      await rollback.mutateAsync(revision);
      notifications.show({ color: 'blue', title: 'Rolling back', message: `Revision ${revision} is being deployed.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Rollback refused', message: errorMessage(error) });
    }
  };
  const [to, setTo] = useState<number>(latest);
  const [from, setFrom] = useState<number>(Math.max(1, latest - 1));
  const diff = useRevisionDiff(id, from, to);
  if (revisions.isPending) {
    return (
      <Loading label="Loading the revisions">
        <Skeleton h={120} />
      </Loading>
    );
  }
  if (revisions.isError) return <Text c="red">{errorMessage(revisions.error)}</Text>;
  const options = revisions.data.map((r) => ({ value: String(r.number), label: `Revision ${r.number}` }));
  return (
    <Stack gap="md">
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Revision</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>When</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {revisions.data.map((revision) => (
            <Table.Tr key={revision.number}>
              <Table.Td>{revision.number}</Table.Td>
              <Table.Td>{revision.createdBy?.username ?? 'a removed account'}</Table.Td>
              <Table.Td title={new Date(revision.createdAt).toLocaleString()}>{relativeTime(revision.createdAt)}</Table.Td>
              <Table.Td ta="right">
                {revision.number === applied ? (
                  <Text size="xs" c="dimmed">
                    applied
                  </Text>
                ) : (
                  applied !== null && (
                    <Button size="xs" variant="light" loading={rollback.isPending} onClick={() => rollBackTo(revision.number)}>
                      Roll back to {revision.number}
                    </Button>
                  )
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {revisions.data.length > 1 && (
        <Paper withBorder p="md">
          <Group mb="sm" gap="sm">
            <Text fw={600}>Compare</Text>
            <Select aria-label="Older revision" data={options} value={String(from)} onChange={(v) => v && setFrom(Number(v))} w={150} />
            <Text size="sm">with</Text>
            <Select aria-label="Newer revision" data={options} value={String(to)} onChange={(v) => v && setTo(Number(v))} w={150} />
          </Group>
          {from === to && <Text size="sm" c="dimmed">Pick two different revisions.</Text>}
          {diff.isPending && from !== to && (
            <Loading label="Comparing the revisions">
              <Skeleton h={80} />
            </Loading>
          )}
          {diff.isError && <Text c="red">{errorMessage(diff.error)}</Text>}
          {diff.data && (
            <Stack gap="sm">
              <Table data-testid="field-changes">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Field</Table.Th>
                    <Table.Th>Revision {diff.data.from}</Table.Th>
                    <Table.Th>Revision {diff.data.to}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {diff.data.fields.map((change) => (
                    <Table.Tr key={change.path} data-change={changeOf(change.before, change.after)}>
                      <Table.Td>
                        <Code>{change.path}</Code>
                      </Table.Td>
                      <Table.Td>
                        <FieldValue value={change.before} missing="not set" />
                      </Table.Td>
                      <Table.Td>
                        <FieldValue value={change.after} missing="removed" />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <YamlDiff diff={diff.data.yaml} />
            </Stack>
          )}
        </Paper>
      )}
    </Stack>
  );
}
