import { Button } from '@mantine/core';
import { IconArrowLeft, IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '../../../components/ui/EmptyState';

export function NotFoundPage() {
  return (
    <EmptyState
      icon={<IconMapOff size={34} stroke={1.5} />}
      title="Page not found"
      action={
        <Button component={Link} to="/" variant="default" leftSection={<IconArrowLeft size={16} />}>
          Back to the dashboard
        </Button>
      }
    >
      There is nothing at this address. It may have moved, or the link may be mistyped.
    </EmptyState>
  );
}
