import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import { passwordRule } from '../../../api/schemas';
import { authResponseSchema } from '../../../api/schemas';
import type { AuthResponse, RegisterRequest } from '../../../api/types';
import { apiRequest } from '../../../lib/http';

/** The server's rules, mirrored for instant feedback; the server still decides. */
export const usernameRule = z
  .string()
  .min(3, 'Use at least 3 characters')
  .max(32, 'Use at most 32 characters')
  .regex(/^[a-z0-9_-]+$/, 'Use only lowercase letters, digits, "-" and "_"');


export const registerRequestSchema = z
  .object({
    username: usernameRule,
    email: z.email('Enter a valid email address'),
    password: passwordRule,
  })
  .refine((value) => value.password !== value.username, {
    path: ['password'],
    message: 'The password must not be your username',
  }) satisfies z.ZodType<RegisterRequest>;

export function register(body: RegisterRequest): Promise<AuthResponse> {
  return apiRequest('/api/v1/auth/register', { method: 'POST', body, schema: authResponseSchema });
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
