import { Box, Group, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { bars } from './format.ts';

/**
 * Counts over time as bars, in plain CSS (no chart library for a dozen bars): as wide as its
 * container, each bar titled with its time and count, the whole described in words for screen
 * readers (the first and last time, the peak).
 */
export function BarChart({
  points,
  label,
  color = 'var(--mantine-color-orange-6)',
  height = 56,
  testId,
}: {
  points: readonly { at: string; count: number }[];
  label: string;
  color?: string;
  height?: number;
  testId?: string;
}) {
  const { t, lang } = useT();
  const shown = bars(points);
  if (shown.length === 0) return null;
  const time = (at: string) => new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(new Date(at));
  const peak = shown.reduce((a, b) => (b.count > a.count ? b : a));
  const first = shown[0] as (typeof shown)[number];
  const last = shown[shown.length - 1] as (typeof shown)[number];
  const summary = t('incidents.chart.summary', { from: time(first.at), to: time(last.at), peak: peak.count, at: time(peak.at) });
  return (
    // As wide as its bars at most, so a short series keeps its time labels under its bars.
    <Box style={{ width: 'fit-content', minWidth: '12rem', maxWidth: '100%' }}>
      <Text size="xs" c="dimmed" mb={2}>
        {label}
      </Text>
      <div
        role="img"
        aria-label={`${label}: ${summary}`}
        data-testid={testId}
        style={{ display: 'flex', alignItems: 'flex-end', gap: 2, height, borderBottom: '1px solid var(--mantine-color-default-border)' }}
      >
        {shown.map((b) => (
          <div
            key={b.at}
            title={t('incidents.chart.bar', { time: time(b.at), count: b.count })}
            data-count={b.count}
            style={{
              // A few bars stay bars, not a wall (an hour of 15-minute buckets is four); many share the width.
              flex: '0 1 32px',
              minWidth: 1,
              height: `${Math.max(b.count > 0 ? 4 : 1, b.height * 100)}%`,
              background: color,
            }}
          />
        ))}
      </div>
      <Group justify="space-between" gap={4}>
        <Text size="xs" c="dimmed">
          {time(first.at)}
        </Text>
        {shown.length > 1 && (
          <Text size="xs" c="dimmed">
            {time(last.at)}
          </Text>
        )}
      </Group>
    </Box>
  );
}
