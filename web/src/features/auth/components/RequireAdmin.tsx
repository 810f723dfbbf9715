import { Outlet } from 'react-router';
import { IconLock } from '@tabler/icons-react';
import { EmptyState } from '../../../components/ui/EmptyState';
import { useCurrentUser } from '../../../lib/auth/currentUser';

/**
 * Guards the administration pages. A member who follows a link here sees why they cannot use the page
 * instead of a request failing with 403.
 */
export function RequireAdmin() {
  const user = useCurrentUser();
  if (user.role !== 'admin') {
    return (
      <EmptyState icon={<IconLock size={34} stroke={1.5} />} title="Administrators only">
        This page is available to administrators. Ask an administrator of this KubeChart server if you need
        access.
      </EmptyState>
    );
  }
  return <Outlet />;
}
