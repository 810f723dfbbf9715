import { Badge, Paper, Skeleton, Table, Text } from '@mantine/core';
import { errorMessage } from '../../../lib/http';
import { useEvents } from '../api/live';
import { relativeTime } from '../time';
import { Loading } from '../../../components/ui/Loading';

/** The cluster's events about the app's objects and pods, Warnings first (as the server orders them). */
export function EventsPanel({ id }: { id: string }) {
  const events = useEvents(id);
  if (events.isPending) {
    return (
      <Loading label="Reading the events">
        <Skeleton h={160} />
      </Loading>
    );
  }
  if (events.isError) return <Text c="red">{errorMessage(events.error)}</Text>;
  if (events.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No events. The cluster reports here what happens to the objects and their pods.
      </Text>
    );
  }
  return (
    <Paper withBorder>
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Type</Table.Th>
            <Table.Th>Object</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th style={{ whiteSpace: 'nowrap' }}>Last seen</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.data.map((event, index) => (
            <Table.Tr key={index} data-event-type={event.type}>
              <Table.Td>
                {/* At least as wide as its word, so that the narrow column widens instead of cutting it. */}
                <Badge color={event.type === 'Warning' ? 'red' : 'gray'} variant="light" miw="max-content">
                  {event.type}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text ff="monospace" size="xs">
                  {event.object.kind}/{event.object.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{event.reason}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {event.message}
                  {event.count > 1 && (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ×{event.count}
                    </Text>
                  )}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {event.lastSeen ? relativeTime(event.lastSeen) : '—'}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
