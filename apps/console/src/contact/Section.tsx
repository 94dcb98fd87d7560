import { Divider, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled part of the contact panel, below a rule. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <Divider mb="xs" />
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={6} component="h4">
        {title}
      </Text>
      {children}
    </section>
  );
}
