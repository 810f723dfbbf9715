import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconLogout, IconMoon, IconSun, IconUserCircle } from '@tabler/icons-react';
import { Link } from 'react-router';
import { initials } from '../../../components/ui/initials';
import type { User } from '../../../api/types';
import { useThemeToggle } from '../../../lib/theme/useThemeToggle';
import classes from './AppLayout.module.css';

export function UserMenu({ user }: { user: User }) {
  const { theme, toggle } = useThemeToggle();
  return (
    <Menu position="bottom-end" width={240} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton className={classes.userButton} aria-label="Account menu">
          <Group gap={10} wrap="nowrap">
            <Avatar color="brand" radius="xl" size={32}>
              {initials(user)}
            </Avatar>
            <div className={classes.userText}>
              <Text size="sm" fw={600} lh={1.2} truncate>
                {user.displayName || user.username}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {user.role === 'admin' ? 'Administrator' : 'Member'}
              </Text>
            </div>
            <IconChevronDown size={14} stroke={1.8} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          Signed in as <b>{user.username}</b>
          <br />
          {user.email}
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/profile" leftSection={<IconUserCircle size={16} />}>
          Profile
        </Menu.Item>
        <Menu.Item
          onClick={toggle}
          leftSection={theme === 'dark' ? <IconSun size={16} /> : <IconMoon size={16} />}
        >
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item component={Link} to="/logout" color="red" leftSection={<IconLogout size={16} />}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
