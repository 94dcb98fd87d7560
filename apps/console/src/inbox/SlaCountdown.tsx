import { Badge } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { formatDuration, useNow } from './time.ts';

/** Time left to the earliest SLA deadline, ticking; red once it has passed. */
export function SlaCountdown({ dueAt, breached }: { dueAt: string | null; breached: boolean }) {
  const { t, lang } = useT();
  const now = useNow();
  if (!dueAt) {
    return breached ? (
      <Badge size="xs" color="red" variant="filled">
        {t('inbox.sla.label')}
      </Badge>
    ) : null;
  }
  const left = new Date(dueAt).getTime() - now;
  const late = left <= 0 || breached;
  const time = formatDuration(left, lang);
  const label = late ? t('inbox.sla.breached', { time }) : t('inbox.sla.dueIn', { time });
  return (
    <Badge
      size="xs"
      color={late ? 'red' : left < 15 * 60_000 ? 'orange' : 'gray'}
      variant={late ? 'filled' : 'light'}
      aria-label={label}
      title={label}
      data-testid="sla"
      data-breached={late}
      style={{ flexShrink: 0 }}
    >
      {late ? `−${time}` : time}
    </Badge>
  );
}
