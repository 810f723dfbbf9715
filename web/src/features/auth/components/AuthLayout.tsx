import { Box, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from '../../../components/ui/BrandMark';
import { ThemeToggle } from '../../../components/ui/ThemeToggle';
import classes from './AuthLayout.module.css';

/** The frame of the signed-out pages: brand above a centred card, theme toggle in the corner. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <Box className={classes.page}>
      <Box className={classes.corner}>
        <ThemeToggle />
      </Box>
      <Stack className={classes.column} gap="lg">
        <Box className={classes.brand}>
          <Logo size={36} />
        </Box>
        <Paper className={classes.card} withBorder shadow="md" p={{ base: 'lg', xs: 32 }}>
          <Stack gap={4} mb="lg">
            <Title order={2} fz={22}>
              {title}
            </Title>
            <Text c="dimmed" size="sm">
              {subtitle}
            </Text>
          </Stack>
          {children}
        </Paper>
        <Text ta="center" size="sm" c="dimmed">
          {footer}
        </Text>
      </Stack>
    </Box>
  );
}
