import { Badge, Button, Group, Select, Stack, TagsInput, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { client, data } from '../api/client.ts';
import type { Conversation, Me } from '../api/types.ts';
import { useHandoff } from '../handoff/context.tsx';
import { useT } from '../i18n/index.tsx';
import type { View } from '../inbox/search.ts';
import { IncidentActions, IncidentBadge } from '../incidents/marks.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { AssignControls } from './AssignControls.tsx';
import { useConversationAction } from './actions.ts';
import { SnoozeMenu } from './SnoozeMenu.tsx';

const STATUS_COLOR = { open: 'blue', pending: 'yellow', snoozed: 'grape', resolved: 'green' } as const;

/** Priorities a person picks from; "automatic" leaves it to the rules (docs/routing.md). */
const PRIORITIES = [
  { key: 'normal', value: 0 },
  { key: 'high', value: 10 },
  { key: 'urgent', value: 50 },
] as const;

type StatusBody = { action: 'resolve' | 'reopen' | 'pending' } | { action: 'snooze'; until: string };

/** Title, status and everything an agent does to the conversation as a whole. */
export function ConversationHeader({ conversation: c, title, me }: { conversation: Conversation; title: string; me: Me }) {
  const { t, lang } = useT();
  const { view } = useParams({ strict: false }) as { view?: View };
  const status = useConversationAction(c.id, (body: StatusBody) =>
    data<{ conversation: Conversation }>(client.POST('/api/v1/conversations/{id}/status', { params: { path: { id: c.id } }, body })),
  );
  const priority = useConversationAction(c.id, (value: number | null) =>
    data<{ conversation: Conversation }>(
      client.POST('/api/v1/conversations/{id}/priority', { params: { path: { id: c.id } }, body: { priority: value } }),
    ),
  );
  const tags = useConversationAction(c.id, (next: string[]) =>
    data<{ conversation: Conversation }>(
      client.PUT('/api/v1/conversations/{id}/tags', { params: { path: { id: c.id } }, body: { tags: next } }),
    ),
  );
  const requested = c.routing.requestedPriority;
  const options = [
    { value: 'auto', label: t('conversation.priority.auto') },
    ...PRIORITIES.map((p) => ({ value: String(p.value), label: t(`conversation.priority.${p.key}`) })),
  ];
  if (requested !== null && !PRIORITIES.some((p) => p.value === requested)) {
    options.push({ value: String(requested), label: t('conversation.priority.custom', { priority: requested }) });
  }
  const handoff = useHandoff();
  const snoozedUntil = c.status === 'snoozed' && c.snoozedUntil ? new Date(c.snoozedUntil) : null;
  return (
    <Stack gap="xs" p="sm" className="conversation-header">
      <Group justify="space-between" wrap="wrap" gap="xs" align="flex-start">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          {/* On a phone the list is hidden while a conversation is open: this is the way back. */}
          <AnchorTo
            to="/inbox/$view"
            params={{ view: view ?? 'mine' }}
            search={(s) => s}
            hiddenFrom="sm"
            aria-label={t('app.backToInbox')}
            data-testid="back-to-list"
            underline="never"
            fw={700}
          >
            ←
          </AnchorTo>
          <Title order={2} size="h4" data-testid="conversation-title" className="conversation-title">
            {title}
          </Title>
          <Badge color={STATUS_COLOR[c.status]} variant="light" data-testid="conversation-status" style={{ flexShrink: 0 }}>
            {t(`status.${c.status}`)}
          </Badge>
          {c.origin === 'proactive' && (
            <Badge color="cyan" variant="light" data-testid="conversation-origin" style={{ flexShrink: 0 }}>
              {t('conversation.proactive')}
            </Badge>
          )}
        </Group>
        <Group gap="xs" wrap="wrap">
          <IncidentActions conversation={c} />
          {handoff && c.status !== 'resolved' && (
            <Button size="xs" variant="default" onClick={handoff.open} title={t('handoff.actionLabel')} data-testid="handoff-open">
              {t('handoff.action')}
            </Button>
          )}
          {c.status === 'resolved' ? (
            <Button size="xs" variant="default" onClick={() => status.mutate({ action: 'reopen' })} loading={status.isPending}>
              {t('conversation.actions.reopen')}
            </Button>
          ) : (
            <>
              {c.status === 'snoozed' && (
                <Button size="xs" variant="default" onClick={() => status.mutate({ action: 'reopen' })}>
                  {t('conversation.actions.unsnooze')}
                </Button>
              )}
              {c.status === 'open' && (
                <Button size="xs" variant="default" onClick={() => status.mutate({ action: 'pending' })}>
                  {t('conversation.actions.pending')}
                </Button>
              )}
              <SnoozeMenu onSnooze={(until) => status.mutate({ action: 'snooze', until: until.toISOString() })} />
              <Button size="xs" color="green" onClick={() => status.mutate({ action: 'resolve' })} loading={status.isPending}>
                {t('conversation.actions.resolve')}
              </Button>
            </>
          )}
        </Group>
      </Group>
      <IncidentBadge incidentId={c.routing.incidentId} />
      {c.origin === 'proactive' && (
        <Text size="xs" c="dimmed">
          {t('conversation.proactiveHint')}
        </Text>
      )}
      {snoozedUntil && (
        <Text size="xs" c="dimmed">
          {t('conversation.snooze.snoozedUntil', {
            when: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(snoozedUntil),
          })}
        </Text>
      )}
      <Group gap="sm" wrap="wrap" align="flex-end">
        <AssignControls conversation={c} me={me} />
        <Select
          size="xs"
          w={170}
          label={t('conversation.priority.label')}
          data={options}
          value={requested === null ? 'auto' : String(requested)}
          allowDeselect={false}
          onChange={(v) => v && priority.mutate(v === 'auto' ? null : Number(v))}
          description={t('conversation.priority.effective', { priority: c.priority })}
          comboboxProps={{ withinPortal: true }}
        />
        <TagsInput
          size="xs"
          label={t('conversation.tags.label')}
          placeholder={c.tags.length < 20 ? t('conversation.tags.placeholder') : undefined}
          value={c.tags}
          onChange={(next) => tags.mutate(next.map((x) => x.trim().toLowerCase()).filter(Boolean))}
          maxTags={20}
          clearable={false}
          style={{ flex: '1 1 12rem', minWidth: 0 }}
        />
      </Group>
    </Stack>
  );
}
