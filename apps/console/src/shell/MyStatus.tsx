import { Badge, Group, Select } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Agent, AgentStatus, Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

const STATUSES: AgentStatus[] = ['online', 'away', 'offline'];

/** The signed-in agent's own status and load, for those routing hands work to. */
export function MyStatus({ me }: { me: Me }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const id = me.user?.id;
  const self = useQuery({
    queryKey: keys.agent(id ?? 'none'),
    queryFn: async () => (await data<{ agent: Agent }>(client.GET('/api/v1/agents/{id}', { params: { path: { id: id ?? '' } } }))).agent,
    enabled: Boolean(id),
  }).data;
  const setStatus = useMutation({
    mutationFn: async (status: AgentStatus) => (await data<{ agent: Agent }>(client.POST('/api/v1/me/status', { body: { status } }))).agent,
    onSuccess: (agent) => queryClient.setQueryData(keys.agent(agent.id), agent),
  });
  if (!self?.routable) return null;
  return (
    <Group gap="xs" wrap="nowrap" data-testid="my-status">
      <Select
        size="xs"
        w={130}
        aria-label={t('agentStatus.label')}
        value={self.status}
        allowDeselect={false}
        onChange={(v) => v && setStatus.mutate(v as AgentStatus)}
        data={STATUSES.map((s) => ({ value: s, label: t(`agentStatus.${s}`) }))}
        leftSection={<span className={`dot ${self.status}`} aria-hidden="true" />}
      />
      <Badge variant="light" visibleFrom="md" data-testid="my-load">
        {t('agentStatus.load', { load: self.load.total, capacity: self.capacity.total })}
      </Badge>
    </Group>
  );
}
