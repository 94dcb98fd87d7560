import { Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { timeLeft, type WindowState } from './window.ts';

/**
 * Beside Send, where the channel's reply window stands: how long free text is still allowed
 * ("Window open · closes in 3 h 12 min"), or since when only templates are ("Window closed on 1
 * Dec, 09:15 — only templates"). Orange in the last hour, so the agent hurries or picks a template.
 */
export function ReplyWindow({ state }: { state: WindowState }) {
  const { t, lang } = useT();
  if (state.kind === 'none') return null;
  if (state.kind === 'open') {
    const { hours, minutes } = timeLeft(state.leftMs);
    const left =
      hours > 0
        ? t('conversation.composer.window.hoursMinutes', { hours, minutes })
        : minutes > 0
          ? t('conversation.composer.window.minutes', { minutes })
          : t('conversation.composer.window.underMinute');
    return (
      <Text size="xs" c={hours > 0 ? 'teal' : 'orange'} data-testid="reply-window" data-state="open">
        {t('conversation.composer.window.open', { left })}
      </Text>
    );
  }
  const text = state.closedAt
    ? t('conversation.composer.window.closed', {
        when: new Intl.DateTimeFormat(lang, {
          day: 'numeric',
          month: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(state.closedAt),
      })
    : t('conversation.composer.window.none');
  return (
    <Text size="xs" c="orange" data-testid="reply-window" data-state="closed">
      {text}
    </Text>
  );
}
