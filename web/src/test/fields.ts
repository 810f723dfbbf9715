import { screen, waitFor } from '@testing-library/react';
import { expect } from 'vitest';

/** The input whose label reads exactly `label` (a required field's asterisk aside). */
export function field(label: string): HTMLInputElement {
  return screen.getByLabelText((content) => content.replace(/\s*\*$/, '') === label, { selector: 'input' });
}

/**
 * The error text attached to the field labelled `label`, or null. Mantine links the error element to
 * the input through aria-describedby (an id ending in "-error"), which is what a screen reader reads.
 */
export function fieldError(label: string): string | null {
  const ids = field(label).getAttribute('aria-describedby')?.split(/\s+/) ?? [];
  const errorId = ids.find((id) => id.endsWith('-error'));
  return errorId ? (document.getElementById(errorId)?.textContent ?? null) : null;
}

export async function expectFieldError(label: string, message: string): Promise<void> {
  await waitFor(() => expect(fieldError(label)).toBe(message));
}
