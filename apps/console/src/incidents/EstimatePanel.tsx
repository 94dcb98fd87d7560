import { Alert, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { channelKindsQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { formatDuration, formatMoney } from './format.ts';
import { kindName } from './kinds.ts';
import type { BroadcastEstimate } from './types.ts';

/** The estimate's total as one line per currency that costs anything. */
export function costLines(cost: BroadcastEstimate['costMicros'] | undefined): { currency: string; costMicros: number }[] {
  return Object.entries(cost ?? {})
    .map(([currency, costMicros]) => ({ currency, costMicros }))
    .filter((l) => l.costMicros > 0);
}

/** How long the slowest channel takes: the channels send side by side, each at its own rate. */
export function sendMinutes(e: BroadcastEstimate): number {
  return Math.max(0, ...e.byChannel.map((c) => c.minutes));
}

type T = ReturnType<typeof useT>['t'];

/** How long sending takes, in words: a channel with no rate limit (the web form) takes "under a minute", not "0 min". */
export function minutesText(minutes: number, t: T, about = false): string {
  if (minutes < 1) return t('incidents.estimate.underMinute');
  const time = formatDuration(minutes * 60_000);
  return about ? t('incidents.estimate.about', { time }) : time;
}

/**
 * One line per account and visibility: a table where there is room, a card each on a phone
 * (six columns do not fit 360 px without scrolling sideways).
 */
function Lanes({ estimate: e }: { estimate: BroadcastEstimate }) {
  const { t, lang } = useT();
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const narrow = useMediaQuery('(max-width: 48em)');
  const cost = (c: BroadcastEstimate['byChannel'][number]) =>
    c.costMicros > 0 ? formatMoney(c.costMicros, c.currency, lang) : t('incidents.estimate.free');
  const rate = (c: BroadcastEstimate['byChannel'][number]) =>
    c.ratePerMinute ? t('incidents.estimate.rate', { rate: c.ratePerMinute }) : undefined;
  if (narrow) {
    return (
      <Stack gap={6} component="ul" className="incident-list" data-testid="estimate-by-channel">
        {e.byChannel.map((c) => (
          <Paper key={`${c.channelAccountId}:${c.visibility}`} component="li" withBorder p="xs" radius="sm">
            <Text size="sm" fw={600} className="incident-wrap">
              {c.name} <Text span size="xs" c="dimmed">{`(${kindName(c.kind, kinds, lang)})`}</Text>
            </Text>
            <Text size="xs" className="incident-wrap">
              {[
                t(`visibility.${c.visibility}`),
                t('incidents.estimate.lane', { count: c.count }),
                c.template > 0 ? t('incidents.estimate.laneTemplates', { count: c.template }) : null,
                cost(c),
                minutesText(c.minutes, t),
              ]
                .filter(Boolean)
                .join(' · ')}
            </Text>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <div className="incident-table">
      <Table data-testid="estimate-by-channel" striped fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('incidents.estimate.account')}</Table.Th>
            <Table.Th>{t('incidents.estimate.visibility')}</Table.Th>
            <Table.Th ta="right">{t('incidents.estimate.count')}</Table.Th>
            <Table.Th ta="right">{t('incidents.estimate.templates')}</Table.Th>
            <Table.Th ta="right">{t('incidents.estimate.cost')}</Table.Th>
            <Table.Th ta="right">{t('incidents.estimate.time')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {e.byChannel.map((c) => (
            <Table.Tr key={`${c.channelAccountId}:${c.visibility}`}>
              <Table.Td>
                {c.name} <Text span size="xs" c="dimmed">{`(${kindName(c.kind, kinds, lang)})`}</Text>
              </Table.Td>
              <Table.Td>{t(`visibility.${c.visibility}`)}</Table.Td>
              <Table.Td ta="right">{c.count.toLocaleString(lang)}</Table.Td>
              <Table.Td ta="right">{c.template.toLocaleString(lang)}</Table.Td>
              <Table.Td ta="right">{cost(c)}</Table.Td>
              <Table.Td ta="right" title={rate(c)}>
                {minutesText(c.minutes, t)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** Who an update reaches, per account (as what, how many, templates, cost, how long its rate lets it take), who is left out and why. */
export function EstimatePanel({ estimate: e }: { estimate: BroadcastEstimate }) {
  const { t, lang } = useT();
  const total = costLines(e.costMicros);
  const minutes = sendMinutes(e);
  return (
    <Stack gap="xs" data-testid="broadcast-estimate">
      <Title order={3} size="h6">
        {t('incidents.estimate.recipients', { count: e.recipients })}
      </Title>
      {e.byChannel.length > 0 && <Lanes estimate={e} />}
      <Group gap="md" wrap="wrap">
        <Text size="sm" data-testid="estimate-cost">
          {total.length === 0
            ? t('incidents.estimate.noCost')
            : t('incidents.estimate.total', { cost: total.map((l) => formatMoney(l.costMicros, l.currency, lang)).join(' + ') })}
        </Text>
        <Text size="sm" data-testid="estimate-time">
          {t('incidents.estimate.takes', { time: minutesText(minutes, t, true) })}
        </Text>
      </Group>
      {e.skipped.length > 0 && (
        <div>
          <Text size="sm" fw={600}>
            {t('incidents.estimate.skipped')}
          </Text>
          <List size="sm" data-testid="estimate-skipped">
            {e.skipped.map((s) => (
              <List.Item key={s.reason}>{t('incidents.estimate.skip', { count: s.count, reason: s.reason })}</List.Item>
            ))}
          </List>
        </div>
      )}
      {e.warnings.map((w) => (
        <Alert key={w} color="orange" variant="light" p="xs">
          {w}
        </Alert>
      ))}
    </Stack>
  );
}
