import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import { authResponseSchema } from '../../../api/schemas';
import type { AuthResponse, LoginRequest } from '../../../api/types';
import { apiRequest } from '../../../lib/http';

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1, 'Enter your username or email'),
  password: z.string().min(1, 'Enter your password'),
}) satisfies z.ZodType<LoginRequest>;

export function login(body: LoginRequest): Promise<AuthResponse> {
  return apiRequest('/api/v1/auth/login', { method: 'POST', body, schema: authResponseSchema });
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
