import { useMantineColorScheme } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import type { AuthResponse } from '../../api/types';
import { clearToken, getToken, setToken, subscribeToken } from '../token';
import { themePreference } from '../theme/theme';
import { meQueryKey } from './me';

/** The current session token; re-renders when it is set or cleared anywhere. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribeToken, getToken, () => null);
}

/**
 * Starts a session from a login or registration answer. Cached data of any earlier session is dropped
 * first, and the user's saved theme replaces the local one: on sign-in the server's preference wins.
 */
export function useStartSession(): (auth: AuthResponse) => void {
  const queryClient = useQueryClient();
  const { setColorScheme } = useMantineColorScheme();
  return useCallback(
    ({ token, user }: AuthResponse) => {
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, user);
      setToken(token);
      const theme = themePreference(user);
      if (theme !== null) setColorScheme(theme);
    },
    [queryClient, setColorScheme],
  );
}

/** Ends the session: the token goes first so that no request still carries it, then the cache. */
export function useEndSession(): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    clearToken();
    queryClient.clear();
  }, [queryClient]);
}
