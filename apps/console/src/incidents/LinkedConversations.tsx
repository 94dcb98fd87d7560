import { Badge, Button, Card, Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, data } from '../api/client.ts';
import { channelKindsQuery, keys } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { countRows } from './format.ts';
import { kindName } from './kinds.ts';
import { incidentKeys, LINKED_PAGE, type LinkedFilters, linkConversations, setKeepOpen, unlinkConversation } from './queries.ts';
import type { IncidentView, LinkedConversation } from './types.ts';

const STATUS_COLOR = { open: 'blue', pending: 'yellow', snoozed: 'grape', resolved: 'green' } as const;

/** What a linked conversation is called: its subject, else who wrote. */
const nameOf = (c: LinkedConversation, fallback: string) => c.subject?.trim() || c.contact.name || fallback;
const channelOf = (c: LinkedConversation) => c.channelKind ?? c.routing.channelKind;

/**
 * The conversations linked to the incident, filtered by channel or region, a page at a time:
 * each links to the conversation, and an agent can unlink it (it is then never linked to this
 * incident again by itself) or keep it open when the incident is resolved.
 */
export function LinkedConversations({ incident: i }: { incident: IncidentView }) {
  const { t, lang } = useT();
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const [filters, setFilters] = useState<LinkedFilters>({});
  const pages = useInfiniteQuery({
    queryKey: incidentKeys.conversations(i.id, filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      data<{ items: LinkedConversation[]; nextCursor: string | null }>(
        client.GET('/api/v1/incidents/{id}/conversations', {
          params: { path: { id: i.id }, query: { limit: LINKED_PAGE, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const channels = countRows(i.counts?.byChannel).map((r) => ({ value: r.key, label: kindName(r.key, kinds, lang) }));
  const regions = countRows(i.counts?.byRegion).map((r) => ({
    value: r.key,
    label: r.key === 'unknown' ? t('incidents.detail.unknownRegion') : r.key,
  }));
  const open = i.status === 'active' || i.status === 'proposed';
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="incident-linked-title">
      <Stack gap="sm">
        <Title order={2} size="h5" id="incident-linked-title">
          {t('incidents.linked.title')}
        </Title>
        <Group gap="xs" wrap="wrap" align="flex-end">
          <Select
            size="xs"
            w={180}
            label={t('incidents.linked.channel')}
            placeholder={t('incidents.linked.all')}
            data={channels}
            value={filters.channel ?? null}
            onChange={(v) => setFilters(({ channel: _, ...rest }) => (v ? { ...rest, channel: v } : rest))}
            clearable
            comboboxProps={{ withinPortal: true }}
          />
          <Select
            size="xs"
            w={140}
            label={t('incidents.linked.region')}
            placeholder={t('incidents.linked.all')}
            data={regions}
            value={filters.region ?? null}
            onChange={(v) => setFilters(({ region: _, ...rest }) => (v ? { ...rest, region: v } : rest))}
            clearable
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        {pages.isSuccess && rows.length === 0 && <Text size="sm">{t('incidents.linked.empty')}</Text>}
        <Stack gap={0} component="ul" className="incident-list" data-testid="incident-conversations">
          {rows.map((c) => (
            <LinkedRow key={c.id} incidentId={i.id} conversation={c} channel={kindName(channelOf(c), kinds, lang)} editable={open} />
          ))}
        </Stack>
        {pages.hasNextPage && (
          <Button size="xs" variant="default" onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
            {t('incidents.linked.more')}
          </Button>
        )}
        {open && <LinkById incidentId={i.id} />}
      </Stack>
    </Card>
  );
}

function LinkedRow({
  incidentId,
  conversation: c,
  channel,
  editable,
}: {
  incidentId: string;
  conversation: LinkedConversation;
  channel: string;
  editable: boolean;
}) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const name = nameOf(c, t('incidents.linked.untitled'));
  const settled = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: incidentKeys.all }),
      queryClient.invalidateQueries({ queryKey: keys.conversation(c.id) }),
      queryClient.invalidateQueries({ queryKey: keys.conversations }),
    ]);
  const onError = (err: Error) => notifications.show({ color: 'red', message: t('app.error', { message: err.message }) });
  const keep = useMutation({ mutationFn: (v: boolean) => setKeepOpen(incidentId, c.id, v), onSuccess: settled, onError });
  const unlink = useMutation({
    mutationFn: () => unlinkConversation(incidentId, c.id),
    onSuccess: async () => {
      notifications.show({ message: t('incidents.linked.unlinked', { name }) });
      await settled();
    },
    onError,
  });
  return (
    <Group
      component="li"
      gap="xs"
      py={6}
      wrap="wrap"
      justify="space-between"
      data-testid="incident-conversation"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Stack gap={2} style={{ flex: '1 1 14rem', minWidth: 0 }}>
        <AnchorTo
          to="/inbox/$view/$conversationId"
          params={{ view: 'all', conversationId: c.id }}
          size="sm"
          fw={600}
          className="incident-wrap"
          data-testid="incident-conversation-link"
        >
          {name}
        </AnchorTo>
        <Group gap={6} wrap="wrap">
          <Text size="xs" c="dimmed" data-testid="incident-conversation-channel">
            {channel}
          </Text>
          <Text size="xs" c="dimmed">
            · {c.region ?? t('incidents.detail.unknownRegion')}
          </Text>
          <Badge size="xs" variant="light" color={STATUS_COLOR[c.status]} data-testid="incident-conversation-status">
            {t(`status.${c.status}`)}
          </Badge>
          {c.linkedBy === 'user' && (
            <Badge size="xs" variant="outline" color="gray">
              {t('incidents.linked.byUser')}
            </Badge>
          )}
        </Group>
      </Stack>
      {editable && (
        <Group gap="xs" wrap="nowrap">
          <Switch
            size="xs"
            label={t('incidents.linked.keepOpen')}
            aria-label={t('incidents.linked.keepOpenOf', { name })}
            // Shown as asked at once; the list is read again before the mutation settles, so it never flips back.
            checked={keep.isPending ? keep.variables : c.keepOpen}
            disabled={keep.isPending}
            onChange={(e) => keep.mutate(e.currentTarget.checked)}
          />
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            onClick={() => unlink.mutate()}
            loading={unlink.isPending}
            aria-label={t('incidents.linked.unlinkOf', { name })}
          >
            {t('incidents.linked.unlink')}
          </Button>
        </Group>
      )}
    </Group>
  );
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Links conversations by hand, by id (an address from the inbox holds it, so a pasted link works too). */
function LinkById({ incidentId }: { incidentId: string }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const ids = [...new Set(typed.match(UUID)?.map((x) => x.toLowerCase()) ?? [])];
  const link = useMutation({
    mutationFn: () => linkConversations(incidentId, ids),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('incidents.linked.linkedDone', { count: ids.length }) });
      setTyped('');
      await queryClient.invalidateQueries({ queryKey: incidentKeys.all });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ids.length > 0) link.mutate();
      }}
    >
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          size="xs"
          style={{ flex: '1 1 16rem', minWidth: 0 }}
          label={t('incidents.linked.linkById')}
          description={t('incidents.linked.linkByIdHint')}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          error={link.error?.message}
        />
        <Button size="xs" type="submit" variant="default" disabled={ids.length === 0} loading={link.isPending}>
          {t('incidents.linked.link')}
        </Button>
      </Group>
    </form>
  );
}
