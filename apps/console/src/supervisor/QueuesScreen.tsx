import { Badge, Card, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useInterval, useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { agentsQuery, teamsQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { Screen } from '../ui/Screen.tsx';
import { onlineIn } from './diagnosis.ts';
import { queuesQuery, useLiveQueues } from './queries.ts';
import './strings.ts';

interface Line {
  key: string;
  team: string;
  teamId: string | null;
  waiting: number;
  oldestSince: string | null;
  atRisk: number;
  online: number;
}

/** Waiting conversations by team: every team, those with nobody waiting too, and "No team". */
export function QueuesScreen() {
  const { t } = useT();
  useLiveQueues();
  const queues = useQuery(queuesQuery).data ?? [];
  const teams = useQuery(teamsQuery).data ?? [];
  const agents = useQuery(agentsQuery).data ?? [];
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 30_000, { autoInvoke: true });
  const narrow = useMediaQuery('(max-width: 48em)');

  const lineFor = (teamId: string | null, team: string): Line => {
    const q = queues.find((x) => x.teamId === teamId);
    return {
      key: teamId ?? 'none',
      team,
      teamId,
      waiting: q?.waiting ?? 0,
      oldestSince: q?.oldestSince ?? null,
      atRisk: q?.atRisk ?? 0,
      online: onlineIn(teamId, agents),
    };
  };
  const lines = [...teams.map((tm) => lineFor(tm.id, tm.name)), lineFor(null, t('supervisor.queues.noTeam'))];

  const wait = (since: string | null) => {
    if (!since) return t('app.none');
    const minutes = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
    return minutes < 60
      ? t('supervisor.queues.minutes', { count: minutes })
      : t('supervisor.queues.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  };
  const risk = (n: number) => (
    <Badge color={n > 0 ? 'red' : 'gray'} variant={n > 0 ? 'filled' : 'light'}>
      {n}
    </Badge>
  );

  return (
    <Screen title={t('supervisor.queues.title')}>
      <Text c="dimmed" size="sm">
        {t('supervisor.queues.caption')}
      </Text>
      {teams.length === 0 && <Text size="sm">{t('supervisor.queues.empty')}</Text>}
      {narrow ? (
        <SimpleGrid cols={1} spacing="xs" data-testid="queues">
          {lines.map((l) => (
            <Card key={l.key} withBorder padding="sm" data-testid="queue-row" aria-label={l.team}>
              <Group justify="space-between" wrap="nowrap">
                <Text fw={600} truncate>
                  {l.team}
                </Text>
                <Group gap={6} wrap="nowrap">
                  <Text size="xs" c="dimmed">
                    {t('supervisor.queues.waiting')}
                  </Text>
                  <Text fw={700} size="lg" data-testid="queue-waiting">
                    {l.waiting}
                  </Text>
                </Group>
              </Group>
              <Stack gap={2} mt={4}>
                <Text size="xs" c="dimmed">
                  {t('supervisor.queues.oldest')}: {wait(l.oldestSince)} · {t('supervisor.queues.online')}: {l.online}
                </Text>
                <Group gap={4}>
                  <Text size="xs" c="dimmed">
                    {t('supervisor.queues.atRisk')}
                  </Text>
                  {risk(l.atRisk)}
                </Group>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      ) : (
        <Table striped highlightOnHover data-testid="queues" aria-label={t('supervisor.queues.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('supervisor.queues.team')}</Table.Th>
              <Table.Th scope="col" ta="right">
                {t('supervisor.queues.waiting')}
              </Table.Th>
              <Table.Th scope="col">{t('supervisor.queues.oldest')}</Table.Th>
              <Table.Th scope="col">{t('supervisor.queues.atRisk')}</Table.Th>
              <Table.Th scope="col" ta="right">
                {t('supervisor.queues.online')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {lines.map((l) => (
              <Table.Tr key={l.key} data-testid="queue-row">
                <Table.Th scope="row" fw={l.teamId ? 500 : 400} fs={l.teamId ? undefined : 'italic'}>
                  {l.team}
                </Table.Th>
                <Table.Td ta="right" fw={l.waiting > 0 ? 700 : 400} data-testid="queue-waiting">
                  {l.waiting}
                </Table.Td>
                <Table.Td>{wait(l.oldestSince)}</Table.Td>
                <Table.Td>{risk(l.atRisk)}</Table.Td>
                <Table.Td ta="right" data-testid="queue-online">
                  {l.online}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Screen>
  );
}
