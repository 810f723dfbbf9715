import { useQuery } from '@tanstack/react-query';
import { userSchema } from '../../api/schemas';
import type { User } from '../../api/types';
import { apiRequest } from '../http';

export const meQueryKey = ['auth', 'me'] as const;

export function fetchMe(signal?: AbortSignal): Promise<User> {
  return apiRequest('/api/v1/auth/me', { schema: userSchema, signal });
}

/** The signed-in user; only enabled while a token is present. */
export function useMe(enabled: boolean) {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => fetchMe(signal),
    enabled,
    staleTime: 60_000,
  });
}
