import { Badge, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconClock } from '@tabler/icons-react';
import type { ObjectProgress, Operation } from '../../../api/types';
import { sentence } from '../../../lib/http';

function stateIcon(state: string) {
  if (state === 'failed') return <IconCircleX size={16} color="var(--mantine-color-red-6)" aria-hidden="true" />;
  if (state === 'pending' || state === 'notAttempted') return <IconClock size={16} color="var(--mantine-color-gray-6)" aria-hidden="true" />;
  if (state === 'applying' || state === 'deleting') return <Loader size={14} />;
  return <IconCircleCheck size={16} color="var(--mantine-color-green-6)" aria-hidden="true" />;
}

const stateWords: Record<string, string> = {
  pending: 'waiting',
  applying: 'applying',
  applied: 'applied',
  unchanged: 'unchanged',
  deleting: 'deleting',
  deleted: 'deleted',
  failed: 'failed',
  notAttempted: 'not attempted',
  created: 'created',
  updated: 'updated',
  recreated: 'recreated',
  pruned: 'pruned',
  leftAlone: 'left alone',
};

function Row({ progress }: { progress: ObjectProgress }) {
  const { kind, name, namespace } = progress.object;
  return (
    <Group justify="space-between" wrap="nowrap" data-object={`${kind}/${name}`} data-state={progress.state}>
      <Group gap="xs" wrap="nowrap">
        {stateIcon(progress.state)}
        <Text ff="monospace" size="sm">
          {kind} {namespace ? `${namespace}/` : ''}
          {name}
        </Text>
      </Group>
      <Stack gap={0} align="flex-end">
        <Text size="sm" c={progress.state === 'failed' ? 'red' : 'dimmed'}>
          {stateWords[progress.state] ?? progress.state}
        </Text>
        {progress.message && (
          <Text size="xs" c="red">
            {sentence(progress.message)}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

const operationLooks: Record<Operation['state'], { color: string; label: string }> = {
  applying: { color: 'blue', label: 'Applying' },
  deleting: { color: 'blue', label: 'Deleting' },
  succeeded: { color: 'green', label: 'Applied' },
  failed: { color: 'red', label: 'Failed' },
  superseded: { color: 'gray', label: 'Superseded by a newer operation' },
};

/** An operation's objects in apply order, each with where it stands. */
export function OperationProgress({ operation }: { operation: Operation }) {
  const look = operationLooks[operation.state];
  return (
    <Paper withBorder p="lg" aria-live="polite">
      <Group justify="space-between" mb="md">
        <Text fw={650}>Progress</Text>
        <Badge color={look.color} variant="light" data-operation-state={operation.state}>
          {look.label}
        </Badge>
      </Group>
      <Stack gap="xs">
        {operation.objects.map((progress) => (
          <Row key={`${progress.object.kind}/${progress.object.namespace ?? ''}/${progress.object.name}`} progress={progress} />
        ))}
      </Stack>
      {operation.error && (
        <Text c="red" size="sm" mt="md">
          {sentence(operation.error)}
        </Text>
      )}
    </Paper>
  );
}
