import { Badge, Group, Paper, Skeleton, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Loading } from '../../../components/ui/Loading';
import { PageHeader } from '../../../components/ui/PageHeader';
import { errorMessage } from '../../../lib/http';
import { useCurrentUser } from '../../../lib/auth/currentUser';
import { useUsers } from '../api/listUsers';
import { UsersTable } from './UsersTable';

export function UsersPage() {
  const me = useCurrentUser();
  const users = useUsers();
  const [query, setQuery] = useState('');

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (!users.data || needle === '') return users.data ?? [];
    return users.data.filter((user) =>
      [user.username, user.email, user.displayName ?? ''].some((value) => value.toLowerCase().includes(needle)),
    );
  }, [users.data, query]);

  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            Users
            {users.data && (
              <Badge variant="light" size="lg" radius="sm">
                {users.data.length}
              </Badge>
            )}
          </Group>
        }
        description="Everyone who can sign in to this server, their role, and whether they may sign in."
        actions={
          <TextInput
            placeholder="Search users"
            aria-label="Search users"
            leftSection={<IconSearch size={16} />}
            value={query}
            onChange={(event) => setQuery(event.currentTarget.value)}
            w={{ base: '100%', xs: 260 }}
          />
        }
      />
      {/* Clip the table's header background to the rounded corners. */}
      <Paper withBorder style={{ overflow: 'hidden' }}>
        {users.isPending && (
          <Loading label="Loading users" p="lg" gap="sm">
            {[0, 1, 2].map((row) => (
              <Skeleton key={row} h={36} />
            ))}
          </Loading>
        )}
        {users.isError && <ErrorState message={errorMessage(users.error)} onRetry={() => void users.refetch()} />}
        {users.data && visible.length === 0 && (
          <Text c="dimmed" ta="center" py="xl">
            No user matches “{query.trim()}”.
          </Text>
        )}
        {users.data && visible.length > 0 && <UsersTable users={visible} currentUserId={me.id} />}
      </Paper>
    </>
  );
}
