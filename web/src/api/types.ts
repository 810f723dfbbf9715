import type { components } from './schema';

/** Names for the generated OpenAPI schemas, so features never spell out `components["schemas"]`. */
type Schemas = components['schemas'];

export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type AuthResponse = Schemas['AuthResponse'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type LoginRequest = Schemas['LoginRequest'];
export type ProfileUpdate = Schemas['ProfileUpdate'];
export type PasswordChange = Schemas['PasswordChange'];
export type AdminUserUpdate = Schemas['AdminUserUpdate'];
export type ErrorBody = Schemas['ErrorBody'];
export type ErrorCode = Schemas['ErrorCode'];
export type FieldError = Schemas['FieldError'];
