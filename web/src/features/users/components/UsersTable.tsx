import { Avatar, Badge, Group, Select, Switch, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { Role, User } from '../../../api/types';
import { errorMessage } from '../../../lib/http';
import { initials } from '../../../components/ui/initials';
import { useUpdateUser } from '../api/updateUser';
import classes from './UsersTable.module.css';

const roleOptions = [
  { value: 'admin', label: 'Administrator' },
  { value: 'member', label: 'Member' },
];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function isRole(value: string | null): value is Role {
  return value === 'admin' || value === 'member';
}

export function UsersTable({ users, currentUserId }: { users: User[]; currentUserId: string }) {
  const updateUser = useUpdateUser();
  const pendingId = updateUser.isPending ? updateUser.variables.id : null;

  const change = (user: User, change: { role?: Role; disabled?: boolean }, done: string) => {
    updateUser.mutate(
      { id: user.id, change },
      {
        onSuccess: () => notifications.show({ color: 'teal', title: 'User updated', message: done }),
        // The server refuses to demote or disable the last administrator (409) and says so.
        onError: (error) =>
          notifications.show({ color: 'red', title: `Could not update ${user.username}`, message: errorMessage(error) }),
      },
    );
  };

  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" horizontalSpacing="lg" highlightOnHover className={classes.table}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th w={180}>Role</Table.Th>
            <Table.Th w={170}>Status</Table.Th>
            <Table.Th w={140}>Joined</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => {
            const busy = pendingId === user.id;
            const self = user.id === currentUserId;
            return (
              <Table.Tr key={user.id} data-username={user.username}>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <Avatar color={user.disabled ? 'gray' : 'brand'} radius="xl" size={34}>
                      {initials(user)}
                    </Avatar>
                    <div>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" fw={600}>
                          {user.displayName || user.username}
                        </Text>
                        {self && (
                          <Badge size="xs" variant="outline">
                            You
                          </Badge>
                        )}
                      </Group>
                      <Text size="xs" c="dimmed">
                        @{user.username}
                      </Text>
                    </div>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{user.email}</Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    data={roleOptions}
                    value={user.role}
                    allowDeselect={false}
                    disabled={busy}
                    aria-label={`Role of ${user.username}`}
                    onChange={(value) => {
                      if (isRole(value) && value !== user.role) {
                        change(user, { role: value }, `${user.username} is now ${value === 'admin' ? 'an administrator' : 'a member'}.`);
                      }
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <Switch
                      checked={!user.disabled}
                      disabled={busy}
                      aria-label={`${user.username} may sign in`}
                      onChange={(event) =>
                        change(
                          user,
                          { disabled: !event.currentTarget.checked },
                          event.currentTarget.checked
                            ? `${user.username} can sign in again.`
                            : `${user.username} can no longer sign in.`,
                        )
                      }
                    />
                    <Badge variant="light" color={user.disabled ? 'gray' : 'teal'}>
                      {user.disabled ? 'Disabled' : 'Active'}
                    </Badge>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {dateFormat.format(new Date(user.createdAt))}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
