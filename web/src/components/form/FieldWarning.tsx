import { Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** A field's description followed by the server's warning about its value, if any. */
export function describe(description: ReactNode, warning: string | undefined): ReactNode {
  if (!warning) return description;
  return (
    <>
      {description}
      <Group gap={4} wrap="nowrap" component="span" mt={description ? 2 : 0} style={{ display: 'flex' }}>
        <IconAlertTriangle size={12} color="var(--mantine-color-yellow-7)" aria-hidden="true" />
        <Text span size="xs" c="yellow.8" data-warning>
          {warning}
        </Text>
      </Group>
    </>
  );
}
