import { initialTheme } from '../../lib/theme/theme';

// The CSP forbids inline scripts, so Mantine's ColorSchemeScript cannot run in index.html. This module
// is imported first by main.tsx and sets the scheme on <html> before React's first render, so the page
// never flashes the wrong theme while the app boots.
document.documentElement.setAttribute('data-mantine-color-scheme', initialTheme());
