import { Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import classes from './EmptyState.module.css';

/** A placeholder for a list that has nothing in it yet, inviting the first step. */
export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon: ReactNode;
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Paper className={classes.root} p={{ base: 'xl', sm: 48 }}>
      <Stack align="center" gap="md">
        <ThemeIcon size={72} radius={999} variant="light">
          {icon}
        </ThemeIcon>
        <Title order={3} ta="center">
          {title}
        </Title>
        <Text c="dimmed" ta="center" maw={520}>
          {children}
        </Text>
        {action}
      </Stack>
    </Paper>
  );
}
