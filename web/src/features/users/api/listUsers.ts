import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { userSchema } from '../../../api/schemas';
import type { User } from '../../../api/types';
import { apiRequest } from '../../../lib/http';

export const usersQueryKey = ['users'] as const;

const usersSchema = z.array(userSchema) satisfies z.ZodType<User[]>;

export function listUsers(signal?: AbortSignal): Promise<User[]> {
  return apiRequest('/api/v1/users', { schema: usersSchema, signal });
}

export function useUsers() {
  return useQuery({ queryKey: usersQueryKey, queryFn: ({ signal }) => listUsers(signal) });
}
