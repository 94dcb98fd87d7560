import { Avatar, Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { createSpotlight, Spotlight } from '@mantine/spotlight';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { AgentStatus, InboxRow, Me, Page } from '../api/types.ts';
import { showShortcutHelp } from '../attention/shortcuts.ts';
import { LANGS, type Lang, useT } from '../i18n/index.tsx';
import { VIEWS } from '../inbox/search.ts';

const [store, actions] = createSpotlight();

export function openPalette(): void {
  actions.open();
}

interface Item {
  id: string;
  label: string;
  description?: string;
  left?: React.ReactNode;
  run(): unknown;
}

const VIEW_LABEL = { mine: 'nav.mine', unassigned: 'nav.unassigned', teams: 'nav.teams', all: 'nav.all' } as const;

/** Matches "garcia" to "García": what an agent types is rarely accented. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/**
 * The command palette: conversations by contact name (the server's search), the screens, and
 * actions on the open conversation and the agent's own state.
 */
export function Palette({ me }: { me: Me }) {
  const { t, lang, setLang } = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState('');
  const [q] = useDebouncedValue(query.trim(), 200);
  const path = useRouterState({ select: (s) => s.location.pathname });
  const [, , viewInPath, openId] = path.split('/');
  const view = (VIEWS as readonly string[]).includes(viewInPath ?? '') ? (viewInPath as (typeof VIEWS)[number]) : 'all';

  const found = useQuery({
    queryKey: ['palette', q],
    enabled: q.length > 0,
    queryFn: ({ signal }) => data<Page<InboxRow>>(client.GET('/api/v1/conversations', { signal, params: { query: { q, limit: 8 } } })),
    staleTime: 10_000,
  });

  const done = (message: string) => {
    notifications.show({ color: 'green', message });
    void queryClient.invalidateQueries({ queryKey: keys.conversations });
  };
  const fail = (e: unknown) => notifications.show({ color: 'red', message: t('app.error', { message: (e as Error).message }) });

  const screens: Item[] = [
    ...VIEWS.map((v) => ({ id: `view-${v}`, label: t(VIEW_LABEL[v]), run: () => navigate({ to: '/inbox/$view', params: { view: v } }) })),
    ...(me.role === 'agent'
      ? []
      : [
          { id: 'queues', label: t('nav.queues'), run: () => navigate({ to: '/supervisor/queues' }) },
          { id: 'agents', label: t('nav.agents'), run: () => navigate({ to: '/supervisor/agents' }) },
          { id: 'rules', label: t('nav.rules'), run: () => navigate({ to: '/supervisor/rules' }) },
          { id: 'canned', label: t('nav.canned'), run: () => navigate({ to: '/supervisor/canned' }) },
          { id: 'channels', label: t('nav.channels'), run: () => navigate({ to: '/channels' }) },
        ]),
  ];
  const onConversation = path.startsWith('/inbox/') && openId;
  const actionItems: Item[] = [
    ...(onConversation && me.user
      ? [
          {
            id: 'assign-me',
            label: t('palette.actions.assignMe'),
            run: () =>
              client
                .POST('/api/v1/conversations/{id}/assign', { params: { path: { id: openId } }, body: { agentId: me.user?.id ?? null } })
                .then(() => done(t('palette.done.assigned')), fail),
          },
          {
            id: 'resolve',
            label: t('palette.actions.resolve'),
            run: () =>
              client
                .POST('/api/v1/conversations/{id}/status', { params: { path: { id: openId } }, body: { action: 'resolve' } })
                .then(() => done(t('palette.done.resolved')), fail),
          },
        ]
      : []),
    ...LANGS.filter((l) => l !== lang).map((l: Lang) => ({
      id: `lang-${l}`,
      label: t('palette.actions.language', { lang: l === 'es' ? 'Español' : 'English' }),
      run: () => setLang(l),
    })),
    ...(me.user
      ? (['online', 'away', 'offline'] as AgentStatus[]).map((s) => ({
          id: `status-${s}`,
          label: t('palette.actions.status', { status: t(`agentStatus.${s}`) }),
          run: () =>
            client.POST('/api/v1/me/status', { body: { status: s } }).then(() => {
              void queryClient.invalidateQueries({ queryKey: keys.agents });
            }, fail),
        }))
      : []),
    { id: 'shortcuts', label: t('palette.actions.shortcuts'), run: () => showShortcutHelp() },
  ];

  const needle = fold(query.trim());
  const match = (i: Item) => !needle || fold(i.label).includes(needle);
  const conversations: Item[] = (q ? (found.data?.items ?? []) : []).map((r) => ({
    id: `c-${r.id}`,
    label: r.contact.name ?? r.subject ?? t('app.none'),
    description: [r.subject ?? t('palette.noSubject'), r.preview].filter(Boolean).join(' · '),
    left: (
      <Avatar size="sm" radius="xl" color="initials" name={r.contact.name ?? undefined}>
        {r.contact.initials}
      </Avatar>
    ),
    run: () => navigate({ to: '/inbox/$view/$conversationId', params: { view, conversationId: r.id } }),
  }));
  const groups = [
    { key: 'conversations', items: conversations },
    { key: 'screens', items: screens.filter(match) },
    { key: 'actions', items: actionItems.filter(match) },
  ] as const;
  const empty = groups.every((g) => g.items.length === 0);
  // Spotlight selects the first action when the query changes; the server's matches come later,
  // so select the first again once they are shown: Enter then opens the best match.
  const shown = groups.flatMap((g) => g.items.map((i) => i.id)).join();
  useEffect(() => {
    const listId = store.getState().listId;
    const list = listId && shown ? document.getElementById(listId) : null;
    if (!list) return;
    list.querySelector('[data-selected]')?.removeAttribute('data-selected');
    list.querySelector('[data-action]')?.setAttribute('data-selected', 'true');
    store.updateState((s) => ({ ...s, selected: 0 }));
  }, [shown]);

  return (
    <Spotlight.Root store={store} query={query} onQueryChange={setQuery} shortcut={null} scrollable maxHeight={420}>
      <Spotlight.Search placeholder={t('palette.placeholder')} aria-label={t('palette.open')} />
      <Spotlight.ActionsList>
        {groups.map((g) =>
          g.items.length === 0 ? null : (
            <Spotlight.ActionsGroup key={g.key} label={t(`palette.groups.${g.key}`)}>
              {g.items.map((i) => (
                <Spotlight.Action key={i.id} onClick={() => void i.run()} data-testid={`palette-${i.id}`}>
                  <Group wrap="nowrap" gap="sm" w="100%">
                    {i.left}
                    <div style={{ minWidth: 0 }}>
                      <Text size="sm" truncate="end">
                        {i.label}
                      </Text>
                      {i.description && (
                        <Text size="xs" c="dimmed" truncate="end">
                          {i.description}
                        </Text>
                      )}
                    </div>
                  </Group>
                </Spotlight.Action>
              ))}
            </Spotlight.ActionsGroup>
          ),
        )}
        {empty && <Spotlight.Empty>{q && found.isFetching ? t('palette.searching') : t('palette.nothing')}</Spotlight.Empty>}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
