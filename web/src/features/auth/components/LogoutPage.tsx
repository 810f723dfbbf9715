import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { FullPageLoader } from '../../../components/ui/FullPageLoader';
import { useEndSession } from '../../../lib/auth/session';

/** /logout: the token is stateless on the server, so signing out is dropping it here. */
export function LogoutPage() {
  const endSession = useEndSession();
  const navigate = useNavigate();
  useEffect(() => {
    endSession();
    navigate('/login', { replace: true, state: { signedOut: true } });
  }, [endSession, navigate]);
  return <FullPageLoader />;
}
