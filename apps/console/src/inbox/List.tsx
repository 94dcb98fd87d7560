import { Button, Center } from '@mantine/core';
import { type RefObject, useCallback, useEffect, useLayoutEffect, useState } from 'react';
import type { ChannelKind, InboxRow } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { ROW_HEIGHT, Row } from './Row.tsx';
import type { View } from './search.ts';

const OVERSCAN = 6;

interface Props {
  rows: InboxRow[];
  view: View;
  kinds: ChannelKind[];
  myUserId: string | null;
  openId: string | undefined;
  cursorId: string | null;
  /** Set by the keyboard: the list scrolls to this row and gives it focus. */
  focusRequest: RefObject<string | null>;
  onCursor(id: string): void;
  checked: ReadonlySet<string>;
  onCheck(id: string, checked: boolean): void;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
  scrollRef: RefObject<HTMLDivElement | null>;
}

/**
 * The rows, rendered only where they are in view (each row is ROW_HEIGHT tall), so 500 loaded
 * rows cost what 15 do. Scrolling near the end loads the next page; a button does the same for
 * keyboards and screen readers.
 */
export function List(p: Props) {
  const { t } = useT();
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const { scrollRef } = p;

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const update = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, [scrollRef]);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(p.rows.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const { hasMore, loadingMore, loadMore } = p;
  useEffect(() => {
    if (hasMore && !loadingMore && last >= p.rows.length - 2) loadMore();
  }, [hasMore, loadingMore, loadMore, last, p.rows.length]);

  // Keyboard moves: bring the row into view, then focus it once it is rendered.
  const wanted = p.focusRequest.current;
  const index = wanted ? p.rows.findIndex((r) => r.id === wanted) : -1;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const id = p.focusRequest.current;
    if (!el || !id || index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    const link = el.querySelector<HTMLElement>(`[data-conversation="${id}"]`);
    if (link) {
      link.focus({ preventScroll: true });
      p.focusRequest.current = null;
    }
  });

  const onFocusRow = useCallback((id: string) => p.onCursor(id), [p.onCursor]);
  return (
    <>
      <ul
        className="inbox-rows"
        style={{ height: p.rows.length * ROW_HEIGHT }}
        data-testid="conversation-list"
        aria-label={t('inbox.title')}
      >
        {p.rows.slice(first, last).map((row, i) => (
          <li key={row.id} style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}>
            <Row
              row={row}
              view={p.view}
              kinds={p.kinds}
              myUserId={p.myUserId}
              open={row.id === p.openId}
              cursor={row.id === p.cursorId}
              tabbable={row.id === (p.cursorId ?? p.rows[0]?.id)}
              checked={p.checked.has(row.id)}
              onCheck={p.onCheck}
              onFocusRow={onFocusRow}
            />
          </li>
        ))}
      </ul>
      {hasMore && (
        <Center py="sm">
          <Button variant="subtle" size="xs" onClick={loadMore} loading={loadingMore}>
            {t('inbox.loadMore')}
          </Button>
        </Center>
      )}
    </>
  );
}
