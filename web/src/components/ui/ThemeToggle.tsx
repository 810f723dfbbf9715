import { ActionIcon, Tooltip } from '@mantine/core';
import { IconMoon, IconSun } from '@tabler/icons-react';
import { useThemeToggle } from '../../lib/theme/useThemeToggle';

export function ThemeToggle() {
  const { theme, toggle } = useThemeToggle();
  const label = theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme';
  return (
    <Tooltip label={label} withArrow>
      <ActionIcon variant="default" size="lg" radius="md" onClick={toggle} aria-label={label} data-theme={theme}>
        {theme === 'dark' ? <IconSun size={18} stroke={1.6} /> : <IconMoon size={18} stroke={1.6} />}
      </ActionIcon>
    </Tooltip>
  );
}
