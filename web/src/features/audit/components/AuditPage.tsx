import { Button, CloseButton, Group, Paper, Select, Text, TextInput } from '@mantine/core';
import {
  IconChevronLeft,
  IconChevronRight,
  IconChevronsLeft,
  IconListSearch,
  IconRefresh,
  IconTarget,
} from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { EmptyState } from '../../../components/ui/EmptyState';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Loading } from '../../../components/ui/Loading';
import { PageHeader } from '../../../components/ui/PageHeader';
import { errorMessage } from '../../../lib/http';
import { useAuditPage } from '../api/listAudit';
import { AuditTable, AuditTableSkeleton } from './AuditTable';

const pageSizes = ['25', '50', '100', '200'];
const defaultPageSize = 50;

function pageSizeOf(value: string | null): number {
  return value !== null && pageSizes.includes(value) ? Number(value) : defaultPageSize;
}

/**
 * `/audit` (administrators): the server's audit trail, newest first, a page at a time. The target
 * filter and page size live in the address (`?target=deployment:<id>&limit=100`), so a filtered view
 * can be shared; the pages walked through are cursors kept here, starting again when the filter changes.
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const target = params.get('target')?.trim() || null;
  const limit = pageSizeOf(params.get('limit'));
  const filterKey = `${target ?? ''}|${limit}`;

  // Cursors of the pages opened so far: [null (newest), cursor of page 2, …]. Reset when the filter changes.
  const [trail, setTrail] = useState<{ key: string; cursors: (string | null)[] }>({ key: filterKey, cursors: [null] });
  const cursors = trail.key === filterKey ? trail.cursors : [null];
  const pageIndex = cursors.length - 1;
  const cursor = cursors[pageIndex] ?? null;

  const page = useAuditPage({ target, limit, cursor });
  const [draft, setDraft] = useState<{ key: string | null; value: string }>({ key: target, value: target ?? '' });
  const targetInput = draft.key === target ? draft.value : (target ?? '');

  const update = (change: { target?: string | null; limit?: number }) => {
    const next = new URLSearchParams(params);
    if (change.target !== undefined) {
      if (change.target) next.set('target', change.target);
      else next.delete('target');
    }
    if (change.limit !== undefined) {
      if (change.limit === defaultPageSize) next.delete('limit');
      else next.set('limit', String(change.limit));
    }
    setParams(next);
  };

  const filterBy = (value: string | null) => {
    const trimmed = value?.trim() || null;
    setDraft({ key: trimmed, value: trimmed ?? '' });
    update({ target: trimmed });
  };

  const submitTarget = (event: FormEvent) => {
    event.preventDefault();
    filterBy(targetInput);
  };

  const older = () => {
    const next = page.data?.nextCursor;
    if (next) setTrail({ key: filterKey, cursors: [...cursors, next] });
  };
  const newer = () => setTrail({ key: filterKey, cursors: cursors.slice(0, -1) });
  const newest = () => setTrail({ key: filterKey, cursors: [null] });

  const events = page.data?.items ?? [];
  const stale = page.isPlaceholderData;

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every recorded change on this server, newest first: who created, changed, deployed or deleted which application, cluster or account."
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            onClick={() => void page.refetch()}
            loading={page.isFetching && !page.isPending && !stale}
          >
            Refresh
          </Button>
        }
      />
      <Group component="form" onSubmit={submitTarget} gap="sm" mb="md" align="flex-end" role="search" aria-label="Filter events">
        <TextInput
          label="Target"
          description="Exact target, as kind:id"
          placeholder="deployment:0b0a7b4e-…"
          leftSection={<IconTarget size={16} />}
          value={targetInput}
          onChange={(event) => setDraft({ key: target, value: event.currentTarget.value })}
          rightSection={
            targetInput !== '' ? <CloseButton size="sm" aria-label="Clear the target filter" onClick={() => filterBy(null)} /> : null
          }
          w={{ base: '100%', sm: 380 }}
        />
        <Button type="submit" variant="default">
          Apply
        </Button>
        <Select
          label="Per page"
          data={pageSizes}
          value={String(limit)}
          allowDeselect={false}
          onChange={(value) => update({ limit: pageSizeOf(value) })}
          w={100}
        />
      </Group>

      {page.isError && !page.data ? (
        <Paper withBorder>
          <ErrorState message={errorMessage(page.error)} onRetry={() => void page.refetch()} />
          {pageIndex > 0 && (
            <Group justify="center" pb="lg">
              <Button variant="subtle" onClick={newest}>
                Back to the newest events
              </Button>
            </Group>
          )}
        </Paper>
      ) : page.isPending ? (
        <Paper withBorder style={{ overflow: 'hidden' }}>
          <Loading label="Loading audit events">
            <AuditTableSkeleton />
          </Loading>
        </Paper>
      ) : events.length === 0 && pageIndex === 0 ? (
        <EmptyState
          icon={<IconListSearch size={34} stroke={1.5} />}
          title={target ? 'No events about this target' : 'No events recorded yet'}
          action={
            target ? (
              <Button variant="default" onClick={() => filterBy(null)}>
                Show all events
              </Button>
            ) : undefined
          }
        >
          {target
            ? `Nothing recorded about ${target}. Targets match exactly: check the kind and the id.`
            : 'Creating, changing, deploying and deleting applications, clusters and accounts is recorded here as it happens.'}
        </EmptyState>
      ) : (
        // Clip the table's header background to the rounded corners.
        <Paper withBorder style={{ overflow: 'hidden' }}>
          {page.isError && (
            <Text c="red" size="sm" px="md" pt="sm" role="alert">
              {errorMessage(page.error)}
            </Text>
          )}
          {events.length > 0 ? (
            <AuditTable events={events} stale={stale} onFilter={filterBy} />
          ) : (
            <Text c="dimmed" ta="center" py="xl">
              No older events.
            </Text>
          )}
          <Group justify="space-between" px="md" py="sm" wrap="wrap" gap="sm">
            <Text size="sm" c="dimmed" aria-live="polite">
              {`Page ${pageIndex + 1} · ${events.length} event${events.length === 1 ? '' : 's'}${target ? ` about ${target}` : ''}`}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                leftSection={<IconChevronsLeft size={14} />}
                disabled={pageIndex === 0 || stale}
                onClick={newest}
              >
                Newest
              </Button>
              <Button
                variant="default"
                size="xs"
                leftSection={<IconChevronLeft size={14} />}
                disabled={pageIndex === 0 || stale}
                onClick={newer}
              >
                Newer
              </Button>
              <Button
                variant="default"
                size="xs"
                rightSection={<IconChevronRight size={14} />}
                disabled={!page.data?.nextCursor || stale}
                onClick={older}
              >
                Older
              </Button>
            </Group>
          </Group>
        </Paper>
      )}
    </>
  );
}
