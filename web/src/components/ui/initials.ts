import type { User } from '../../api/types';

/** Up to two letters for an avatar: the first letters of the first two words of the name. */
export function initials(user: Pick<User, 'displayName' | 'username'>): string {
  const name = user.displayName?.trim() || user.username;
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts[1]?.[0] ?? ''}` : name.slice(0, 2);
  return letters.toUpperCase();
}
