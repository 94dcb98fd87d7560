import './inbox.css';
import { Button, Checkbox, Group, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Outlet, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { client } from '../api/client.ts';
import { meQuery } from '../api/queries.ts';
import { useNewActivity } from '../attention/activity.ts';
import { onFocusList } from '../attention/focus.ts';
import { onShortcutHelp, useShortcuts } from '../attention/shortcuts.ts';
import { useT } from '../i18n/index.tsx';
import { useChannelKinds } from './ChannelIcon.tsx';
import { Empty } from './Empty.tsx';
import { List } from './List.tsx';
import { inboxRowsQuery, listFilters, patchRows } from './rows.ts';
import type { InboxSearch, View } from './search.ts';
import { Toolbar } from './Toolbar.tsx';

// What the first paint does not show loads when first wanted: the bulk bar when a row is
// checked, the shortcut help on ?.
const BulkBar = lazy(() => import('./BulkBar.tsx').then((m) => ({ default: m.BulkBar })));
const ShortcutHelp = lazy(() => import('../attention/ShortcutHelp.tsx').then((m) => ({ default: m.ShortcutHelp })));

export type { InboxSearch, Sort, View } from './search.ts';
export { inboxSearch, SORTS, STATUSES, VIEWS } from './search.ts';

/** List beside conversation on wide screens; one or the other on narrow ones. */
export function InboxScreen() {
  const { t } = useT();
  const { view, conversationId } = useParams({ strict: false }) as { view: View; conversationId?: string };
  const search = useSearch({ strict: false }) as InboxSearch;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const myUserId = useSuspenseQuery(meQuery).data.user?.id ?? null;
  const kinds = useChannelKinds();
  const filters = useMemo(() => listFilters(view, search), [view, search]);
  const list = useInfiniteQuery(inboxRowsQuery(filters));
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const [cursorId, setCursorId] = useState<string | null>(conversationId ?? null);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [help, setHelp] = useState(false);
  const focusRequest = useRef<string | null>(null);
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const activity = useNewActivity(myUserId, conversationId);

  // A new view or filter is a new list: nothing stays selected or counted from the last one.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the filters change, by design
  useEffect(() => {
    setChecked(new Set());
    activity.reset();
  }, [filters]);
  useEffect(() => {
    if (conversationId) {
      setCursorId(conversationId);
      activity.seen(conversationId);
    }
  }, [conversationId, activity.seen]);
  useEffect(() => onShortcutHelp(() => setHelp(true)), []);

  // Opening a conversation marks it read for this user, and again when a message comes while it is open.
  const openRow = rows.find((r) => r.id === conversationId);
  const markRead = useMutation({
    mutationFn: (id: string) => client.POST('/api/v1/conversations/{id}/read', { params: { path: { id } }, body: {} }),
    onMutate: (id) => patchRows(queryClient, id, { unread: false }),
  });
  const readMark = markRead.mutate;
  useEffect(() => {
    if (conversationId && (!openRow || openRow.unread)) readMark(conversationId);
  }, [conversationId, openRow?.unread, openRow, readMark]);

  const focusRow = useCallback((id: string | null) => {
    const target = id ?? scrollRef.current?.querySelector<HTMLElement>('[data-conversation]')?.dataset.conversation ?? null;
    if (!target) {
      scrollRef.current?.focus();
      return;
    }
    setCursorId(target);
    focusRequest.current = target;
    // The list renders the row and focuses it (List's layout effect); a state change makes it render.
    setChecked((s) => new Set(s));
  }, []);
  const cursorRef = useRef(cursorId);
  cursorRef.current = cursorId;
  useEffect(() => onFocusList(() => focusRow(cursorRef.current)), [focusRow]);

  const move = (delta: number) => {
    if (rows.length === 0) return;
    const at = rows.findIndex((r) => r.id === cursorId);
    const next = at === -1 ? (delta > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + delta));
    focusRow(rows[next]?.id ?? null);
  };
  const open = (id: string) =>
    void navigate({ to: '/inbox/$view/$conversationId', params: { view, conversationId: id }, search: (s) => s });
  const toggle = useCallback(
    (id: string, on?: boolean) =>
      setChecked((s) => {
        const next = new Set(s);
        if (on ?? !next.has(id)) next.add(id);
        else next.delete(id);
        return next;
      }),
    [],
  );
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    arrowdown: () => move(1),
    arrowup: () => move(-1),
    enter: () => cursorId && open(cursorId),
    x: () => cursorId && toggle(cursorId),
    '/': () => searchRef.current?.focus(),
    '?': () => setHelp(true),
    escape: () => {
      const inList = scrollRef.current?.contains(document.activeElement);
      if (conversationId && inList) void navigate({ to: '/inbox/$view', params: { view }, search: (s) => s });
      else focusRow(cursorId);
    },
  });

  const showActivity = () => {
    activity.reset();
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    void list.refetch();
  };
  const pageIds = rows.map((r) => r.id);
  const checkedOnPage = pageIds.filter((id) => checked.has(id));
  const loadMore = useCallback(() => void list.fetchNextPage(), [list.fetchNextPage]);

  return (
    <div className="inbox" data-open={conversationId ? 'conversation' : 'list'}>
      <section className="inbox-list" aria-label={t('inbox.title')}>
        <Toolbar search={search} searchRef={searchRef} />
        {checkedOnPage.length > 0 ? (
          <Suspense fallback={<div className="inbox-listhead" style={{ height: 45 }} />}>
            <BulkBar ids={checkedOnPage} rows={rows} myUserId={myUserId} onDone={() => setChecked(new Set())} />
          </Suspense>
        ) : (
          <Group className="inbox-listhead" gap={8} wrap="nowrap">
            <Checkbox
              size="xs"
              aria-label={t('inbox.selectPage')}
              checked={false}
              disabled={rows.length === 0}
              onChange={() => setChecked(new Set(pageIds))}
            />
            <Text size="xs" c="dimmed" style={{ flex: 1 }} data-testid="inbox-count">
              {list.hasNextPage ? t('inbox.moreAvailable', { count: rows.length }) : t('inbox.count', { count: rows.length })}
            </Text>
            {activity.count > 0 && (
              <Button size="compact-xs" variant="light" onClick={showActivity} title={t('inbox.activityHint')} data-testid="new-activity">
                {t('inbox.activity', { count: activity.count })}
              </Button>
            )}
          </Group>
        )}
        <div className="inbox-scroll" ref={scrollRef} tabIndex={-1}>
          {list.isPending ? (
            <Text size="sm" c="dimmed" p="md">
              {t('inbox.loading')}
            </Text>
          ) : list.isError ? (
            <Text size="sm" c="red" p="md" role="alert">
              {t('inbox.error', { message: list.error.message })}
            </Text>
          ) : rows.length === 0 ? (
            <Empty view={view} search={search} />
          ) : (
            <List
              rows={rows}
              view={view}
              kinds={kinds}
              myUserId={myUserId}
              openId={conversationId}
              cursorId={cursorId}
              focusRequest={focusRequest}
              onCursor={setCursorId}
              checked={checked}
              onCheck={toggle}
              hasMore={Boolean(list.hasNextPage)}
              loadingMore={list.isFetchingNextPage}
              loadMore={loadMore}
              scrollRef={scrollRef}
            />
          )}
        </div>
      </section>
      <section className="inbox-detail">
        {conversationId ? (
          <Outlet />
        ) : (
          <Text className="inbox-hint" size="sm" c="dimmed">
            {t('inbox.chooseConversation')}
          </Text>
        )}
      </section>
      {help && (
        <Suspense fallback={null}>
          <ShortcutHelp opened={help} onClose={() => setHelp(false)} />
        </Suspense>
      )}
    </div>
  );
}
