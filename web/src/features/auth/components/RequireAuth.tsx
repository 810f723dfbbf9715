import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState } from '../../../components/ui/ErrorState';
import { FullPageLoader } from '../../../components/ui/FullPageLoader';
import { errorMessage } from '../../../lib/http';
import { useMe } from '../../../lib/auth/me';
import { CurrentUserContext } from '../../../lib/auth/currentUser';
import { loginPathFor } from '../../../lib/auth/redirect';
import { useToken } from '../../../lib/auth/session';

/**
 * Guards the signed-in pages. Without a token — never signed in, signed out, or cleared by a 401 —
 * it sends the person to the login page with the current path as `next`.
 */
export function RequireAuth() {
  const token = useToken();
  const location = useLocation();
  const me = useMe(token !== null);

  if (token === null) return <Navigate to={loginPathFor(location)} replace />;
  if (me.isPending) return <FullPageLoader />;
  if (me.isError) return <ErrorState message={errorMessage(me.error)} onRetry={() => void me.refetch()} />;
  return (
    <CurrentUserContext.Provider value={me.data}>
      <Outlet />
    </CurrentUserContext.Provider>
  );
}
