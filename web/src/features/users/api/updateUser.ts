import { useMutation, useQueryClient } from '@tanstack/react-query';
import { userSchema } from '../../../api/schemas';
import type { AdminUserUpdate, User } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { meQueryKey } from '../../../lib/auth/me';
import { usersQueryKey } from './listUsers';

export function updateUser(id: string, body: AdminUserUpdate): Promise<User> {
  return apiRequest(`/api/v1/users/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: userSchema });
}

/** PATCH /api/v1/users/{id} (admin); the answer replaces the user's row in the cached list. */
export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: string; change: AdminUserUpdate }) => updateUser(id, change),
    onSuccess: (user) => {
      queryClient.setQueryData<User[]>(usersQueryKey, (users) =>
        users?.map((existing) => (existing.id === user.id ? user : existing)),
      );
      // An admin who changes their own row changes what the shell shows (e.g. the Users link).
      queryClient.setQueryData<User>(meQueryKey, (me) => (me?.id === user.id ? user : me));
    },
  });
}
