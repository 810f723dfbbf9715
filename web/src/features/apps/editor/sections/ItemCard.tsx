import { ActionIcon, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import classes from '../Editor.module.css';

/** One entry of a list in the spec (a workload, a container, a Service), with a way to remove it. */
export function ItemCard({
  title,
  onRemove,
  removeLabel,
  children,
}: {
  title: ReactNode;
  onRemove: () => void;
  removeLabel: string;
  children: ReactNode;
}) {
  return (
    <div className={classes.itemCard}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Text fw={600} size="sm">
          {title}
        </Text>
        <Tooltip label={removeLabel}>
          <ActionIcon variant="subtle" color="gray" aria-label={removeLabel} onClick={onRemove}>
            <IconTrash size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Stack gap="sm">{children}</Stack>
    </div>
  );
}
