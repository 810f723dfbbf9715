import { createContext, useContext } from 'react';
import type { User } from '../../api/types';

/** The signed-in user, provided by RequireAuth once GET /auth/me has answered. */
export const CurrentUserContext = createContext<User | null>(null);

export function useCurrentUser(): User {
  const user = useContext(CurrentUserContext);
  if (user === null) throw new Error('useCurrentUser is only available below RequireAuth');
  return user;
}
