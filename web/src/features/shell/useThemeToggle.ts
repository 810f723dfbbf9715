import { useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { User } from '../../api/types';
import { getToken } from '../../lib/token';
import { meQueryKey } from '../auth/api/me';
import { useUpdateMe } from '../profile/api/updateMe';
import type { Theme } from './theme';

/**
 * The current light/dark theme and a toggle that keeps the choice in localStorage (through Mantine's
 * colour scheme manager) and, when signed in, in the user's server-side preferences so that it follows
 * the user to other browsers.
 */
export function useThemeToggle(): { theme: Theme; toggle: () => void; saving: boolean } {
  const { setColorScheme } = useMantineColorScheme();
  const theme = useComputedColorScheme('light', { getInitialValueInEffect: false });
  const queryClient = useQueryClient();
  const updateMe = useUpdateMe();

  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    setColorScheme(next);
    const me = queryClient.getQueryData<User>(meQueryKey);
    if (getToken() !== null && me !== undefined) {
      updateMe.mutate({ preferences: { ...me.preferences, theme: next } });
    }
  }, [theme, setColorScheme, queryClient, updateMe]);

  return { theme, toggle, saving: updateMe.isPending };
}
