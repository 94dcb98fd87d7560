import { Box, Container, Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A screen outside the inbox: a heading with its actions, and the content scrolling under it
 * (the shell's main area is a fixed-height column, so each screen scrolls itself).
 */
export function Screen({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <Box style={{ flex: 1, minHeight: 0, overflowY: 'auto', overflowX: 'hidden' }}>
      <Container size="xl" py="md" px={{ base: 'xs', sm: 'md' }}>
        <Stack gap="md">
          <Group justify="space-between" gap="xs">
            <Title order={1} size="h3">
              {title}
            </Title>
            {actions}
          </Group>
          {children}
        </Stack>
      </Container>
    </Box>
  );
}
