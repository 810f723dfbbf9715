import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { authResponseSchema } from '../../../api/schemas';
import type { AuthResponse, PasswordChange } from '../../../api/types';
import { apiRequest } from '../../../lib/http';
import { setToken } from '../../../lib/token';
import { meQueryKey } from '../../../lib/auth/me';
import { passwordRule } from '../../../api/schemas';

/** The form adds a confirmation field that never leaves the browser. */
export const passwordFormSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password'),
    newPassword: passwordRule,
    confirmPassword: z.string().min(1, 'Repeat the new password'),
  })
  .refine((value) => value.newPassword === value.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The passwords do not match',
  })
  .refine((value) => value.newPassword !== value.currentPassword, {
    path: ['newPassword'],
    message: 'Choose a password different from the current one',
  });

export type PasswordForm = z.infer<typeof passwordFormSchema>;

export function changePassword(body: PasswordChange): Promise<AuthResponse> {
  return apiRequest('/api/v1/auth/password', { method: 'POST', body, schema: authResponseSchema });
}

/**
 * POST /api/v1/auth/password. The server revokes older tokens, so the new one is stored at once or
 * the next request would end the session.
 */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: ({ token, user }) => {
      setToken(token);
      queryClient.setQueryData(meQueryKey, user);
    },
  });
}
