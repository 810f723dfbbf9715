import { SimpleGrid } from '@mantine/core';
import { PageHeader } from '../../../components/ui/PageHeader';
import { useCurrentUser } from '../../../lib/auth/currentUser';
import { AccountCard } from './AccountCard';
import { PasswordCard } from './PasswordCard';

export function ProfilePage() {
  const user = useCurrentUser();
  return (
    <>
      <PageHeader title="Profile" description="Your account details and sign-in settings." />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" verticalSpacing="lg">
        <AccountCard user={user} />
        <PasswordCard />
      </SimpleGrid>
    </>
  );
}
