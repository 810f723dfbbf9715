import { Stack, type StackProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * Placeholders (skeletons) shown while something loads. ARIA forbids a name on a plain element, so the
 * label sits on a status region, busy until the content replaces it.
 */
export function Loading({ label, children, ...stack }: StackProps & { label: string; children: ReactNode }) {
  return (
    <Stack role="status" aria-label={label} aria-busy="true" {...stack}>
      {children}
    </Stack>
  );
}
