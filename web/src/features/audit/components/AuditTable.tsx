import { ActionIcon, Anchor, Badge, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { AuditEvent } from '../api/listAudit';
import {
  actionColor,
  detailEntries,
  detailName,
  parseTarget,
  shortId,
  targetHref,
  targetKindLabel,
} from './format';
import classes from './AuditTable.module.css';

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function Columns() {
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th w={128}>Time</Table.Th>
        <Table.Th w={108}>Actor</Table.Th>
        <Table.Th w={204}>Action</Table.Th>
        <Table.Th w={212}>Target</Table.Th>
        <Table.Th>Details</Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
}

function TargetCell({ target, detail, onFilter }: { target: string; detail: unknown; onFilter: (target: string) => void }) {
  const parsed = parseTarget(target);
  const name = detailName(detail);
  const href = targetHref(parsed);
  const label = name ?? shortId(parsed.id);
  return (
    <Group gap={6} wrap="nowrap" align="flex-start">
      <Stack gap={0} miw={0} style={{ flex: 1 }}>
        <Text size="xs" c="dimmed">
          {targetKindLabel[parsed.kind] ?? (parsed.kind || 'Target')}
        </Text>
        {href ? (
          <Anchor component={Link} to={href} size="sm" fw={500} truncate="end" title={target}>
            {label}
          </Anchor>
        ) : (
          <Text size="sm" fw={500} truncate="end" title={target}>
            {label}
          </Text>
        )}
        {name !== null && (
          <Text className={classes.mono} c="dimmed" truncate="end" title={target}>
            {parsed.id}
          </Text>
        )}
      </Stack>
      <Tooltip label="Only events about this target" withinPortal>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label={`Only events about ${target}`}
          onClick={() => onFilter(target)}
        >
          <IconFilter size={14} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

function DetailCell({ detail, skipName }: { detail: unknown; skipName: boolean }) {
  const entries = detailEntries(detail, skipName ? ['name'] : []);
  if (entries.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No details recorded
      </Text>
    );
  }
  return (
    <dl className={classes.detail}>
      {entries.map(({ key, value, full }) => (
        <div key={key} className={classes.pair}>
          <dt>{key}</dt>
          <dd title={full}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The audit trail as a dense table, one event a row, newest first as the server orders it. */
export function AuditTable({
  events,
  stale,
  onFilter,
}: {
  events: AuditEvent[];
  /** The rows are the previous page while the next one loads. */
  stale: boolean;
  onFilter: (target: string) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table
        layout="fixed"
        verticalSpacing={6}
        horizontalSpacing="sm"
        highlightOnHover
        className={`${classes.table} ${stale ? classes.stale : ''}`}
        aria-busy={stale}
      >
        <Columns />
        <Table.Tbody>
          {events.map((event) => (
            <Table.Tr key={event.id} data-event={event.id}>
              <Table.Td>
                <time dateTime={event.at} title={event.at} className={classes.time}>
                  <Text size="sm" component="span" display="block">
                    {dateFormat.format(new Date(event.at))}
                  </Text>
                  <Text size="xs" c="dimmed" component="span" display="block">
                    {timeFormat.format(new Date(event.at))}
                  </Text>
                </time>
              </Table.Td>
              <Table.Td>
                {event.actor ? (
                  <Text size="sm" fw={500} truncate="end" title={event.actor.username}>
                    {event.actor.username}
                  </Text>
                ) : (
                  <Text
                    size="sm"
                    c="dimmed"
                    title="No signed-in account: the command line, the server itself, or an account since removed"
                  >
                    No account
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge
                  variant="light"
                  color={actionColor(event.action)}
                  radius="sm"
                  tt="none"
                  maw="100%"
                  className={classes.action}
                  title={event.action}
                >
                  {event.action}
                </Badge>
              </Table.Td>
              <Table.Td>
                <TargetCell target={event.target} detail={event.detail} onFilter={onFilter} />
              </Table.Td>
              <Table.Td>
                <DetailCell detail={event.detail} skipName={detailName(event.detail) !== null} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The table's shape with placeholder rows, while the first page loads. */
export function AuditTableSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table layout="fixed" verticalSpacing={6} horizontalSpacing="sm" className={classes.table}>
        <Columns />
        <Table.Tbody>
          {Array.from({ length: rows }, (_, row) => (
            <Table.Tr key={row}>
              <Table.Td>
                <Skeleton h={14} w={150} my={4} />
              </Table.Td>
              <Table.Td>
                <Skeleton h={14} w={80} my={4} />
              </Table.Td>
              <Table.Td>
                <Skeleton h={18} w={140} my={2} />
              </Table.Td>
              <Table.Td>
                <Skeleton h={10} w={60} mb={6} />
                <Skeleton h={14} w={150} />
              </Table.Td>
              <Table.Td>
                <Skeleton h={12} w="70%" my={4} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
