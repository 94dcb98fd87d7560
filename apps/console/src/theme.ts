import { createTheme } from '@mantine/core';

/** One theme for every screen: Mantine's defaults with our colour and a denser list. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  cursorType: 'pointer',
});
