import { Navigate, Outlet, useLocation } from 'react-router';
import { safeNextPath } from '../../../lib/auth/redirect';
import { useToken } from '../../../lib/auth/session';

/**
 * Wraps the login and registration pages: once a token exists (just signed in, or a signed-in person
 * following a link) it moves on to the `next` page, so those forms never show to a signed-in user.
 */
export function GuestOnly() {
  const token = useToken();
  const location = useLocation();
  if (token !== null) return <Navigate to={safeNextPath(location.search)} replace />;
  return <Outlet />;
}
