import { Alert, Badge, Card, Group, Progress, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, data } from '../api/client.ts';
import { agentsQuery, keys, teamsQuery } from '../api/queries.ts';
import type { Agent, AgentStatus, Team } from '../api/types.ts';
import { type LocalKind, useChannelKinds } from '../channels/names.ts';
import { useT } from '../i18n/index.tsx';
import { Screen } from '../ui/Screen.tsx';
import { whyStuck } from './diagnosis.ts';
import { queuesQuery, useLiveQueues } from './queries.ts';
import { shiftToday } from './shift.ts';
import './strings.ts';

const STATUSES: AgentStatus[] = ['online', 'away', 'offline'];

/** Everyone routing hands work to, with what decides whether they get more: status, shift, load. */
export function AgentsScreen() {
  const { t } = useT();
  useLiveQueues();
  const agents = (useQuery(agentsQuery).data ?? []).filter((a) => a.routable);
  const teams = useQuery(teamsQuery).data ?? [];
  const queues = useQuery(queuesQuery).data ?? [];
  const [now, setNow] = useState(() => new Date());
  useInterval(() => setNow(new Date()), 30_000, { autoInvoke: true });

  const stuck = queues
    .filter((q) => q.waiting > 0)
    .map((q) => ({ q, why: whyStuck(q.teamId, agents, now) }))
    .filter((x) => x.why !== null);
  const teamName = (id: string | null) => (id ? (teams.find((x) => x.id === id)?.name ?? '') : t('supervisor.agents.stuck.anyTeam'));

  return (
    <Screen title={t('supervisor.agents.title')}>
      <Text c="dimmed" size="sm">
        {t('supervisor.agents.caption')}
      </Text>
      {stuck.length > 0 && (
        <Alert color="orange" title={t('supervisor.agents.stuck.title')} data-testid="stuck">
          <Stack gap={4}>
            {stuck.map(({ q, why }) => (
              <Text key={q.teamId ?? 'none'} size="sm">
                {t(`supervisor.agents.stuck.${why as NonNullable<typeof why>}`, { team: teamName(q.teamId), count: q.waiting })}
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      {agents.length === 0 && <Text size="sm">{t('supervisor.agents.empty')}</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {agents.map((a) => (
          <AgentCard key={a.id} agent={a} teams={teams} now={now} />
        ))}
      </SimpleGrid>
    </Screen>
  );
}

function AgentCard({ agent: a, teams, now }: { agent: Agent; teams: Team[]; now: Date }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const kinds = useChannelKinds();
  const setStatus = useMutation({
    mutationFn: async (status: AgentStatus) =>
      (await data<{ agent: Agent }>(client.PATCH('/api/v1/agents/{id}', { params: { path: { id: a.id } }, body: { status } }))).agent,
    onSuccess: (agent) => {
      queryClient.setQueryData<Agent[]>(keys.agents, (old) => old?.map((x) => (x.id === agent.id ? agent : x)));
      void queryClient.invalidateQueries({ queryKey: keys.queues });
    },
  });
  const shift = shiftToday(a, now);
  const localTime = new Intl.DateTimeFormat(lang, { timeZone: shift.timezone, hour: '2-digit', minute: '2-digit' }).format(now);
  const teamNames = a.teamIds.map((id) => teams.find((x) => x.id === id)?.name).filter(Boolean);
  const channels = [...new Set([...Object.keys(a.capacity.channels), ...Object.keys(a.load.channels)])].sort();
  const full = a.load.total >= a.capacity.total;

  return (
    <Card withBorder padding="sm" data-testid={`agent-${a.name}`} aria-label={a.name}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} truncate>
              {a.name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {teamNames.length ? teamNames.join(', ') : t('supervisor.agents.noTeams')}
            </Text>
          </div>
          <Select
            size="xs"
            w={140}
            aria-label={t('supervisor.agents.statusOf', { name: a.name })}
            value={a.status}
            allowDeselect={false}
            disabled={setStatus.isPending}
            onChange={(v) => v && setStatus.mutate(v as AgentStatus)}
            data={STATUSES.map((s) => ({ value: s, label: t(`agentStatus.${s}`) }))}
            leftSection={<span className={`dot ${a.status}`} aria-hidden="true" />}
          />
        </Group>
        <div data-testid="agent-shift">
          <Group gap={6}>
            <Text size="xs" fw={500}>
              {t('supervisor.agents.shift')}
            </Text>
            {shift.always ? (
              <Badge size="sm" variant="light" color="gray">
                {t('supervisor.agents.always')}
              </Badge>
            ) : (
              <Badge size="sm" variant="light" color={shift.on ? 'green' : 'gray'}>
                {shift.holiday
                  ? t('supervisor.agents.holiday')
                  : shift.on
                    ? t('supervisor.agents.onShift')
                    : t('supervisor.agents.offShift')}
              </Badge>
            )}
          </Group>
          {!shift.always && (
            <Text size="xs" c="dimmed">
              {shift.stretches.length ? shift.stretches.map((s) => `${s.from}–${s.to}`).join(', ') : t('supervisor.agents.noShiftToday')} ·{' '}
              {shift.timezone} · {t('supervisor.agents.local', { time: localTime })}
            </Text>
          )}
        </div>
        <Stack gap={4} data-testid="agent-load" aria-label={t('supervisor.agents.loadOf', { name: a.name })}>
          <LoadBar
            label={t('supervisor.agents.total', { load: a.load.total, capacity: a.capacity.total })}
            load={a.load.total}
            capacity={a.capacity.total}
            full={full}
          />
          {channels.map((kind) => (
            <ChannelLoad key={kind} kind={kinds(kind)} raw={kind} agent={a} />
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

function ChannelLoad({ kind, raw, agent }: { kind: LocalKind | null; raw: string; agent: Agent }) {
  const { t } = useT();
  const channel = kind?.displayName ?? raw;
  const load = agent.load.channels[raw] ?? 0;
  const capacity = agent.capacity.channels[raw];
  if (capacity === undefined) {
    return (
      <LoadBar label={t('supervisor.agents.channelLoadFree', { channel, load })} load={load} capacity={agent.capacity.total} full={false} />
    );
  }
  return (
    <LoadBar
      label={t('supervisor.agents.channelLoad', { channel, load, capacity })}
      load={load}
      capacity={capacity}
      full={load >= capacity}
    />
  );
}

function LoadBar({ label, load, capacity, full }: { label: string; load: number; capacity: number; full: boolean }) {
  const value = capacity > 0 ? Math.min(100, (load / capacity) * 100) : 100;
  return (
    <div>
      <Text size="xs">{label}</Text>
      <Progress value={value} color={full ? 'red' : value >= 75 ? 'orange' : 'blue'} size="sm" aria-label={label} />
    </div>
  );
}
