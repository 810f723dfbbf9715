import { localStorageColorSchemeManager } from '@mantine/core';
import type { User } from '../../api/types';

/** localStorage key of the colour scheme ("light" | "dark"), read before React renders. */
export const THEME_KEY = 'kubechart.theme';

export type Theme = 'light' | 'dark';

export const colorSchemeManager = localStorageColorSchemeManager({ key: THEME_KEY });

export function isTheme(value: unknown): value is Theme {
  return value === 'light' || value === 'dark';
}

/** The theme saved in the user's server-side preferences, if any. */
export function themePreference(user: Pick<User, 'preferences'>): Theme | null {
  const theme = user.preferences.theme;
  return isTheme(theme) ? theme : null;
}

/** The stored choice, else the operating system's preference. */
export function initialTheme(): Theme {
  try {
    const stored = window.localStorage.getItem(THEME_KEY);
    if (isTheme(stored)) return stored;
  } catch {
    // Storage can be blocked; fall through to the system preference.
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
