import { createTheme, type MantineColorsTuple } from '@mantine/core';

// A blue close to the Kubernetes logo's, with shades generated for both themes.
const brand: MantineColorsTuple = [
  '#eaf1ff',
  '#d3dffb',
  '#a5bcf2',
  '#7498ea',
  '#4b79e3',
  '#3166df',
  '#2259dd',
  '#144ac5',
  '#0941b1',
  '#00389d',
];

// System fonts only: the CSP (font-src 'self') and offline installs rule out web font services.
const systemSans =
  'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 5 },
  colors: { brand },
  defaultRadius: 'md',
  fontFamily: systemSans,
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, "JetBrains Mono", Menlo, Consolas, monospace',
  headings: { fontFamily: systemSans, fontWeight: '650' },
  cursorType: 'pointer',
  components: {
    Button: { defaultProps: { fw: 600 } },
    Paper: { defaultProps: { radius: 'lg' } },
    Card: { defaultProps: { radius: 'lg' } },
    TextInput: { defaultProps: { size: 'sm' } },
    PasswordInput: { defaultProps: { size: 'sm' } },
    // Mantine's close button is an icon alone: every dialog's gets a name a screen reader can say.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
  },
});
