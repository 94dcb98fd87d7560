import { Avatar, Button, Group, Menu, ScrollArea, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { agentsQuery, teamsQuery } from '../api/queries.ts';
import type { Conversation, Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { initials } from '../ui/initials.ts';
import { useConversationAction } from './actions.ts';

type Target = { agentId: string | null; teamId?: string | null };

/**
 * Who holds the conversation, with "assign to me" and a transfer menu that keeps teams (their
 * queue) and agents apart. Agents may take an unassigned conversation or pass on their own;
 * supervisors may move any (routes/conversation-actions.ts), so only allowed moves are offered.
 */
export function AssignControls({ conversation: c, me }: { conversation: Conversation; me: Me }) {
  const { t } = useT();
  const agents = useQuery(agentsQuery).data ?? [];
  const teams = useQuery(teamsQuery).data ?? [];
  const assign = useConversationAction(c.id, (body: Target) =>
    data<{ conversation: Conversation }>(client.POST('/api/v1/conversations/{id}/assign', { params: { path: { id: c.id } }, body })),
  );
  const myId = me.user?.id ?? null;
  const assignee = agents.find((a) => a.id === c.assigneeId);
  const team = teams.find((x) => x.id === c.teamId);
  const supervisor = me.role !== 'agent';
  const mine = myId !== null && c.assigneeId === myId;
  const canTake = myId !== null && !mine && (supervisor || c.assigneeId === null);
  const canTransfer = supervisor || mine;
  return (
    <Group gap="xs" wrap="wrap" data-testid="assignee">
      <Avatar size="sm" radius="xl" color={assignee ? 'indigo' : 'gray'} aria-hidden>
        {assignee ? initials(assignee.name) : '?'}
      </Avatar>
      <Text size="sm" lh={1.2} style={{ minWidth: 0 }}>
        {assignee ? t('conversation.assign.assignedTo', { name: assignee.name }) : t('conversation.assign.unassigned')}
        {team && (
          <Text span size="xs" c="dimmed" display="block">
            {team.name}
          </Text>
        )}
      </Text>
      {canTake && (
        <Button size="xs" variant="light" onClick={() => myId && assign.mutate({ agentId: myId })} loading={assign.isPending}>
          {t('conversation.assign.toMe')}
        </Button>
      )}
      {canTransfer && (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button size="xs" variant="default">
              {t('conversation.assign.transfer')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown aria-label={t('conversation.assign.transfer')}>
            <ScrollArea.Autosize mah={360}>
              <Menu.Label>{t('conversation.assign.teams')}</Menu.Label>
              {teams.length === 0 && <Menu.Item disabled>{t('conversation.assign.noTeams')}</Menu.Item>}
              {teams.map((x) => (
                <Menu.Item key={x.id} onClick={() => assign.mutate({ agentId: null, teamId: x.id })}>
                  {x.name}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Label>{t('conversation.assign.agents')}</Menu.Label>
              {agents
                .filter((a) => a.id !== c.assigneeId)
                .map((a) => (
                  <Menu.Item
                    key={a.id}
                    onClick={() => assign.mutate({ agentId: a.id })}
                    rightSection={
                      <Text size="xs" c="dimmed">
                        {t(`agentStatus.${a.status}`)}
                      </Text>
                    }
                  >
                    {a.name}
                  </Menu.Item>
                ))}
              {c.assigneeId && (
                <>
                  <Menu.Divider />
                  <Menu.Item onClick={() => assign.mutate({ agentId: null })}>{t('conversation.assign.unassign')}</Menu.Item>
                </>
              )}
            </ScrollArea.Autosize>
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  );
}
