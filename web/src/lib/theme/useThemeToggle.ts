import { useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useCallback } from 'react';
import { getToken } from '../token';
import { useUpdateMe } from '../auth/updateMe';
import type { Theme } from './theme';

/**
 * The current light/dark theme and a toggle that keeps the choice in localStorage (through Mantine's
 * colour scheme manager) and, when signed in, in the user's server-side preferences so that it follows
 * the user to other browsers.
 */
export function useThemeToggle(): { theme: Theme; toggle: () => void; saving: boolean } {
  const { setColorScheme } = useMantineColorScheme();
  const theme = useComputedColorScheme('light', { getInitialValueInEffect: false });
  const updateMe = useUpdateMe();

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    setColorScheme(next);
    // The server merges preference keys, so only the theme is sent.
    if (getToken() !== null) updateMe.mutate({ preferences: { theme: next } });
  }, [theme, setColorScheme, updateMe]);

  return { theme, toggle, saving: updateMe.isPending };
}
