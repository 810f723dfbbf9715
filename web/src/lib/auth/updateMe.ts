import { useMutation, useQueryClient } from '@tanstack/react-query';
import { userSchema } from '../../api/schemas';
import type { ProfileUpdate, User } from '../../api/types';
import { apiRequest } from '../http';
import { meQueryKey } from './me';

export function updateMe(body: ProfileUpdate): Promise<User> {
  return apiRequest('/api/v1/auth/me', { method: 'PATCH', body, schema: userSchema });
}

/** PATCH /api/v1/auth/me; the answer replaces the cached signed-in user. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (user) => queryClient.setQueryData(meQueryKey, user),
  });
}
