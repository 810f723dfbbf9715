import { Badge, Loader, Tooltip } from '@mantine/core';
import type { DeploymentStatus } from '../../../api/types';

const looks: Record<DeploymentStatus, { color: string; label: string }> = {
  draft: { color: 'gray', label: 'Draft' },
  applying: { color: 'blue', label: 'Applying' },
  progressing: { color: 'blue', label: 'Progressing' },
  ready: { color: 'green', label: 'Ready' },
  degraded: { color: 'orange', label: 'Degraded' },
  failed: { color: 'red', label: 'Failed' },
  deleting: { color: 'gray', label: 'Deleting' },
};

/** Where a deployment stands, in words and colour; the reason shows on hover when there is one. */
export function StatusBadge({ status, reason }: { status: DeploymentStatus; reason?: string | null }) {
  const { color, label } = looks[status];
  const moving = status === 'applying' || status === 'progressing' || status === 'deleting';
  const badge = (
    <Badge
      color={color}
      variant="light"
      leftSection={moving ? <Loader size={10} color={color} /> : undefined}
      data-status={status}
    >
      {label}
    </Badge>
  );
  if (!reason) return badge;
  return (
    <Tooltip label={reason} multiline maw={360} withArrow>
      <span tabIndex={0}>{badge}</span>
    </Tooltip>
  );
}
