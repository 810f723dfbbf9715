import '../lib/zodConfig';
import { z } from 'zod';
import type { AuthResponse, User } from './types';

/** The server's password rule, checked in the browser before registration and password changes. */
export const passwordRule = z.string().min(10, 'Use at least 10 characters');

/**
 * Response schemas shared by several endpoints. `satisfies` ties each one to the type generated from
 * the server's OpenAPI document, so a change on the server side fails the type check here.
 */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  displayName: z.string().nullable().default(null),
  role: z.enum(['admin', 'member']),
  disabled: z.boolean(),
  preferences: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<User>;

export const authResponseSchema = z.object({
  token: z.string().min(1),
  user: userSchema,
}) satisfies z.ZodType<AuthResponse>;

/**
 * An answer whose shape the generated types already describe in depth (cluster status, plans,
 * operations): checked to be the object the route promises, then typed by the OpenAPI document.
 */
export function objectWith<T>(...keys: string[]): z.ZodType<T> {
  return z.custom<T>(
    (value) => typeof value === 'object' && value !== null && keys.every((key) => Object.hasOwn(value, key)),
  );
}
