import { Button, Group, Kbd, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * The composer's last row: what the message has so far on the left (the counter, files, options),
 * and on the right the reply window's state right beside Send, where the agent looks before sending.
 */
export function SendRow({
  children,
  replyWindow,
  label,
  disabled,
  busy,
  color,
  testId = 'send',
}: {
  children?: ReactNode;
  replyWindow?: ReactNode;
  label: string;
  disabled: boolean;
  busy: boolean;
  color?: string;
  testId?: string;
}) {
  return (
    <Group gap="sm" wrap="wrap" justify="space-between">
      <Group gap="sm" wrap="wrap">
        {children}
      </Group>
      <Group gap="xs" wrap="wrap" justify="flex-end">
        {replyWindow}
        <CtrlEnter />
        <Button type="submit" size="xs" disabled={disabled} loading={busy} data-testid={testId} color={color}>
          {label}
        </Button>
      </Group>
    </Group>
  );
}

function CtrlEnter() {
  return (
    <Text size="xs" c="dimmed" visibleFrom="sm">
      <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd>
    </Text>
  );
}
