import { Badge } from '@mantine/core';
import type { LiveState } from '../../../api/types';

/** Each live state's badge colour and words; the resource map draws with the same. */
export const healthLooks: Record<LiveState, { color: string; label: string }> = {
  Current: { color: 'green', label: 'Ready' },
  InProgress: { color: 'blue', label: 'In progress' },
  Failed: { color: 'red', label: 'Failed' },
  Terminating: { color: 'gray', label: 'Terminating' },
  NotFound: { color: 'orange', label: 'Missing' },
  Untracked: { color: 'gray', label: 'Applied' },
};

/** One object's live health in words and colour. */
export function HealthBadge({ state }: { state: LiveState }) {
  const { color, label } = healthLooks[state];
  return (
    // At least as wide as its words, so that a narrow table column widens instead of cutting them.
    <Badge
      color={color}
      variant={state === 'Untracked' ? 'outline' : 'light'}
      miw="max-content"
      data-health={state}
    >
      {label}
    </Badge>
  );
}
