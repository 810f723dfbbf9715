import { AppShell, Box, Burger, Group, NavLink, ScrollArea, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconApps, IconHistory, IconServer2, IconUserCircle, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { Logo } from '../../../components/ui/BrandMark';
import { useCurrentUser } from '../../../lib/auth/currentUser';
import classes from './AppLayout.module.css';
import { ThemeToggle } from '../../../components/ui/ThemeToggle';
import { UserMenu } from './UserMenu';

interface NavItem {
  to: string;
  label: string;
  icon: ReactNode;
}

const mainNav: NavItem[] = [
  { to: '/', label: 'Applications', icon: <IconApps size={18} stroke={1.6} /> },
  { to: '/clusters', label: 'Clusters', icon: <IconServer2 size={18} stroke={1.6} /> },
  { to: '/profile', label: 'Profile', icon: <IconUserCircle size={18} stroke={1.6} /> },
];

const adminNav: NavItem[] = [
  { to: '/users', label: 'Users', icon: <IconUsers size={18} stroke={1.6} /> },
  { to: '/audit', label: 'Audit log', icon: <IconHistory size={18} stroke={1.6} /> },
];

function isActive(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/' || pathname.startsWith('/apps/');
  return pathname === to || pathname.startsWith(`${to}/`);
}

/** The signed-in frame: header with brand, theme toggle and user menu; navigation on the left. */
export function AppLayout() {
  const user = useCurrentUser();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);

  const link = (item: NavItem) => (
    <NavLink
      key={item.to}
      component={Link}
      to={item.to}
      label={item.label}
      leftSection={item.icon}
      active={isActive(pathname, item.to)}
      onClick={close}
      className={classes.navLink}
    />
  );

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={0}
      className={classes.shell}
    >
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Link to="/" className={classes.brandLink} aria-label="KubeChart home">
              <Logo size={28} />
            </Link>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ThemeToggle />
            <UserMenu user={user} />
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar className={classes.navbar} p="sm" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          <Text className={classes.sectionLabel}>Workspace</Text>
          {mainNav.map(link)}
          {user.role === 'admin' && (
            <>
              <Text className={classes.sectionLabel} mt="lg">
                Administration
              </Text>
              {adminNav.map(link)}
            </>
          )}
        </AppShell.Section>
        <AppShell.Section>
          <Text size="xs" c="dimmed" px="sm" py="xs">
            KubeChart {__APP_VERSION__}
          </Text>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main className={classes.main}>
        <Box className={classes.content}>
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
