import { Badge, Button, Card, Group, List, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { channelKindsQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { kindName } from './kinds.ts';
import { broadcastQuery, broadcastsQuery, cancelBroadcast, incidentKeys, running } from './queries.ts';
import type { BroadcastTotals, BroadcastView } from './types.ts';

const STATE_COLOR = { fanning_out: 'blue', sending: 'blue', done: 'green', cancelled: 'gray' } as const;
const TOTALS = ['sent', 'delivered', 'failed', 'skipped', 'queued', 'pending'] as const;

/** Recipients the broadcast is through with: sent or delivered, failed, or left out. */
export function handled(x: BroadcastTotals): number {
  return x.sent + x.delivered + x.failed + x.skipped;
}

/** Every update sent on the incident, newest first, each with its live progress. */
export function BroadcastList({ incidentId }: { incidentId: string }) {
  const { t } = useT();
  const list = useQuery(broadcastsQuery(incidentId)).data ?? [];
  const sorted = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="incident-broadcasts-title">
      <Stack gap="sm">
        <Title order={2} size="h5" id="incident-broadcasts-title">
          {t('incidents.progress.title')}
        </Title>
        {sorted.length === 0 && <Text size="sm">{t('incidents.progress.none')}</Text>}
        <Stack gap="sm" component="ul" className="incident-list" data-testid="incident-broadcasts">
          {sorted.map((b) => (
            <BroadcastProgress key={b.id} first={b} />
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

/**
 * One broadcast: its state, how many of its recipients it is through with, the totals and the
 * same per channel, the failures with their reasons (each linking to its conversation), and
 * Cancel while it sends. Kept current by `broadcast.progress`, polled while the socket is down.
 */
export function BroadcastProgress({ first }: { first: BroadcastView }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const b = useQuery({ ...broadcastQuery(first.id), initialData: first, initialDataUpdatedAt: 0 }).data;
  const cancel = useMutation({
    mutationFn: () => cancelBroadcast(b.id),
    onSuccess: async () => {
      notifications.show({ message: t('incidents.progress.cancelled') });
      await queryClient.invalidateQueries({ queryKey: incidentKeys.broadcast(b.id) });
    },
    onError: (err) => notifications.show({ color: 'red', message: t('app.error', { message: err.message }) }),
  });
  const x = b.totals;
  const done = handled(x);
  const pct = x.recipients > 0 ? Math.round((done / x.recipients) * 100) : 100;
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(b.createdAt));
  return (
    <Stack component="li" gap={6} data-testid="broadcast" data-state={b.state} aria-label={t(`incidents.progress.kind.${b.kind}`)}>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={600}>
            {t(`incidents.progress.kind.${b.kind}`)}
          </Text>
          <Text size="xs" c="dimmed">
            {when}
          </Text>
          <Badge color={STATE_COLOR[b.state]} variant="light" data-testid="broadcast-state">
            {t(`incidents.progress.state.${b.state}`)}
          </Badge>
        </Group>
        {running(b) && (
          <Button size="compact-xs" variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            {t('incidents.progress.cancel')}
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed" lineClamp={2} className="incident-text">
        {b.text}
      </Text>
      <Progress
        value={pct}
        size="sm"
        color={x.failed > 0 ? 'orange' : 'green'}
        aria-label={t('incidents.progress.handled', { done, total: x.recipients })}
      />
      <Text size="xs" data-testid="broadcast-handled">
        {t('incidents.progress.handled', { done: done.toLocaleString(lang), total: x.recipients.toLocaleString(lang) })}
      </Text>
      <SimpleGrid cols={{ base: 3, sm: 6 }} spacing={4} data-testid="broadcast-totals">
        {TOTALS.map((k) => (
          <div key={k}>
            <Text size="xs" c="dimmed">
              {t(`incidents.progress.totals.${k}`)}
            </Text>
            <Text size="sm" fw={600} data-testid={`total-${k}`}>
              {x[k].toLocaleString(lang)}
            </Text>
          </div>
        ))}
      </SimpleGrid>
      {b.byChannel.length > 1 && (
        <div className="incident-table">
          <Table fz="xs" data-testid="broadcast-by-channel">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incidents.detail.channel')}</Table.Th>
                {TOTALS.slice(0, 4).map((k) => (
                  <Table.Th key={k} ta="right">
                    {t(`incidents.progress.totals.${k}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {b.byChannel.map((c) => (
                <Table.Tr key={`${c.channelAccountId ?? ''}:${c.kind ?? ''}`}>
                  <Table.Td>{c.name ?? kindName(c.kind, kinds, lang)}</Table.Td>
                  {TOTALS.slice(0, 4).map((k) => (
                    <Table.Td key={k} ta="right">
                      {(c[k] ?? 0).toLocaleString(lang)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      {b.failures.length > 0 && (
        <div>
          <Text size="sm" fw={600} c="red">
            {t('incidents.progress.failures')}
          </Text>
          <List size="xs" data-testid="broadcast-failures">
            {b.failures.map((f) => (
              <List.Item key={f.conversationId}>
                <AnchorTo to="/inbox/$view/$conversationId" params={{ view: 'all', conversationId: f.conversationId }} size="xs">
                  {kindName(f.channelKind, kinds, lang)}
                </AnchorTo>
                {': '}
                <span className="incident-wrap">{f.reason}</span>
              </List.Item>
            ))}
          </List>
        </div>
      )}
    </Stack>
  );
}
