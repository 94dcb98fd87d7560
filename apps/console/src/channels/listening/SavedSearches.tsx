import { ActionIcon, Badge, Button, Card, Code, Group, List, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, client, data } from '../../api/client.ts';
import { keys, meQuery } from '../../api/queries.ts';
import type { SavedSearch } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import { EditIcon, TrashIcon } from '../../ui/icons.tsx';
import '../strings.ts';
import { ConfirmDeleteModal } from '../../ui/dialogs.tsx';
import { SearchEditor } from './SearchEditor.tsx';
import { searchesQuery } from './searches.ts';

/**
 * A listening account's saved searches (X's proactive listening): each with the channel's query,
 * whether it runs, how often, and why it cannot run when it cannot. Supervisors and admins add,
 * edit, pause, resume and delete them; agents read them.
 */
export function SavedSearches({ accountId }: { accountId: string }) {
  const { t } = useT();
  const me = useSuspenseQuery(meQuery).data;
  const manage = me.role !== 'agent';
  const list = useQuery(searchesQuery(accountId));
  const [editing, setEditing] = useState<SavedSearch | 'new' | null>(null);
  const items = list.data ?? [];
  return (
    <Card withBorder padding="sm" data-testid="saved-searches">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h5">
            {t('channels.searches.title')}
          </Title>
          {manage && (
            <Button size="xs" onClick={() => setEditing('new')}>
              {t('channels.searches.add')}
            </Button>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t('channels.searches.caption')} {!manage && t('channels.searches.readOnly')}
        </Text>
        {list.isSuccess && items.length === 0 && <Text size="sm">{t('channels.searches.empty')}</Text>}
        <Stack gap="xs">
          {items.map((s) => (
            <SearchCard key={s.id} search={s} manage={manage} onEdit={() => setEditing(s)} />
          ))}
        </Stack>
      </Stack>
      {editing && <SearchEditor accountId={accountId} search={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

function SearchCard({ search: s, manage, onEdit }: { search: SavedSearch; manage: boolean; onEdit: () => void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [confirming, { open, close }] = useDisclosure(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.searches(s.channelAccountId) });
  const pause = useMutation({
    mutationFn: (paused: boolean) => data(client.PATCH('/api/v1/searches/{id}', { params: { path: { id: s.id } }, body: { paused } })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: () => data(client.DELETE('/api/v1/searches/{id}', { params: { path: { id: s.id } } })),
    onSuccess: () => {
      close();
      notifications.show({ message: t('channels.searches.deleted', { name: s.name }) });
      void refresh();
    },
  });
  const minutes = Math.max(1, Math.round(s.intervalSeconds / 60));
  return (
    <Card withBorder padding="xs" data-testid="saved-search" aria-label={s.name}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs" wrap="wrap" style={{ minWidth: 0 }}>
            <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
              {s.name}
            </Text>
            <Badge size="sm" variant="light" color={s.paused ? 'gray' : s.problems.length > 0 ? 'red' : 'green'} data-testid="search-state">
              {s.paused ? t('channels.searches.paused') : t('channels.searches.running')}
            </Badge>
            <Text size="xs" c="dimmed">
              {t('channels.searches.every', { count: minutes })}
            </Text>
          </Group>
          {manage && (
            <Group gap={4} wrap="nowrap">
              <Button
                size="compact-xs"
                variant="default"
                loading={pause.isPending}
                onClick={() => pause.mutate(!s.paused)}
                aria-label={s.paused ? t('channels.searches.resumeOf', { name: s.name }) : t('channels.searches.pauseOf', { name: s.name })}
              >
                {s.paused ? t('channels.searches.resume') : t('channels.searches.pause')}
              </Button>
              <ActionIcon variant="subtle" onClick={onEdit} aria-label={t('channels.searches.editOf', { name: s.name })}>
                <EditIcon />
              </ActionIcon>
              <ActionIcon variant="subtle" color="red" onClick={open} aria-label={t('channels.searches.deleteOf', { name: s.name })}>
                <TrashIcon />
              </ActionIcon>
            </Group>
          )}
        </Group>
        {s.query !== null ? (
          <Code
            block
            style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
            aria-label={t('channels.searches.query')}
            data-testid="search-query"
          >
            {s.query}
          </Code>
        ) : (
          <Text size="xs" c="dimmed">
            {t('channels.searches.noQuery')}
          </Text>
        )}
        {s.problems.length > 0 && (
          <List size="xs" c="red" aria-label={t('channels.searches.problems')} data-testid="search-problems">
            {s.problems.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        )}
        {pause.error && (
          <Text size="xs" c="red" role="alert">
            {pause.error instanceof ApiError ? pause.error.message : String(pause.error)}
          </Text>
        )}
      </Stack>
      <ConfirmDeleteModal
        opened={confirming}
        onClose={close}
        title={t('channels.searches.deleteOf', { name: s.name })}
        message={t('channels.searches.confirmDelete', { name: s.name })}
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </Card>
  );
}
