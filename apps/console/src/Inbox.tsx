import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { api, type ChannelKind, type Conversation, type Counts, type Me, type Page, type Status } from './api.ts';
import { ChannelName } from './ChannelName.tsx';
import { ConversationView } from './ConversationView.tsx';
import { useT } from './i18n.tsx';
import { useShortcuts } from './shortcuts.ts';

type View = 'mine' | 'unassigned' | 'team' | 'all';

/** The conversation list with its views, filters, search and live counts, beside the open conversation. */
export function Inbox({ me, socket, tick }: { me: Me; socket: Socket | null; tick: number }) {
  const { t } = useT();
  const supervisor = me.role !== 'agent';
  const [view, setView] = useState<View>('mine');
  const [status, setStatus] = useState<Status>('open');
  const [channel, setChannel] = useState('');
  const [minPriority, setMinPriority] = useState('');
  const [tag, setTag] = useState('');
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Conversation[]>([]);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [kinds, setKinds] = useState<ChannelKind[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [fresh, setFresh] = useState(0);
  const [help, setHelp] = useState(false);
  const search = useRef<HTMLInputElement>(null);

  const query = useMemo(() => {
    const p = new URLSearchParams({ status, limit: '100' });
    if (view === 'mine') p.set('assignee', 'me');
    if (view === 'unassigned') p.set('assignee', 'none');
    if (channel) p.set('channel', channel);
    if (minPriority) p.set('minPriority', minPriority);
    if (tag.trim()) p.set('tag', tag.trim());
    if (q.trim()) p.set('q', q.trim());
    return p.toString();
  }, [view, status, channel, minPriority, tag, q]);

  const load = useCallback(async () => {
    const [page, c] = await Promise.all([
      api<Page<Conversation>>('GET', `/conversations?${query}`),
      api<Counts>('GET', '/conversations/counts'),
    ]);
    setItems(page.items);
    setCounts(c);
    setFresh(0);
  }, [query]);

  useEffect(() => {
    const timer = setTimeout(() => void load(), q ? 250 : 0);
    return () => clearTimeout(timer);
  }, [load, q]);
  useEffect(() => {
    api<{ items: ChannelKind[] }>('GET', '/channel-kinds').then(
      (r) => setKinds(r.items),
      () => undefined,
    );
  }, []);
  // A live change anywhere: counts refresh at once (one index read); the list refreshes too when
  // the agent is not reading it, else a quiet badge offers to.
  const first = useRef(true);
  // Bursts (an incident bringing hundreds of messages a minute) are folded into one refresh.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on live ticks only, reading the filters and selection as they are then
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => {
      api<Counts>('GET', '/conversations/counts').then(setCounts, () => undefined);
      if (selected === null) void load();
      else setFresh((n) => n + 1);
    }, 300);
    return () => clearTimeout(timer);
  }, [tick]);

  const index = items.findIndex((c) => c.id === selected);
  useShortcuts({
    j: () => setSelected(items[Math.min(items.length - 1, index + 1)]?.id ?? null),
    k: () => setSelected(items[Math.max(0, index - 1)]?.id ?? null),
    '/': () => search.current?.focus(),
    '?': () => setHelp((h) => !h),
  });

  const countOf = (v: View) => {
    if (!counts || status === 'resolved') return null;
    const c = counts[status];
    return v === 'mine' ? c.mine : v === 'unassigned' ? c.unassigned : c.all;
  };
  const views: View[] = supervisor ? ['mine', 'unassigned', 'all'] : ['mine', 'unassigned', 'team'];

  return (
    <div className="inbox">
      <aside className="list" aria-label={t('inbox')}>
        <div className="views" role="tablist">
          {views.map((v) => (
            <button key={v} type="button" role="tab" aria-selected={view === v} onClick={() => setView(v)} data-testid={`view-${v}`}>
              {t(v)} {countOf(v) !== null && <span className="count">{countOf(v)}</span>}
            </button>
          ))}
        </div>
        <div className="filters">
          <input
            ref={search}
            type="search"
            aria-label={t('search')}
            placeholder={t('search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <select aria-label={t('status')} value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {(['open', 'pending', 'snoozed', 'resolved'] as const).map((s) => (
              <option key={s} value={s}>
                {t(s)}
              </option>
            ))}
          </select>
          <select aria-label={t('channel')} value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{t('anyChannel')}</option>
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.displayName}
              </option>
            ))}
          </select>
          <input
            aria-label={t('minPriority')}
            placeholder={t('minPriority')}
            type="number"
            value={minPriority}
            onChange={(e) => setMinPriority(e.target.value)}
          />
          <input aria-label={t('tag')} placeholder={t('tag')} value={tag} onChange={(e) => setTag(e.target.value)} />
        </div>
        {fresh > 0 && (
          <button type="button" className="badge" onClick={() => void load()} data-testid="fresh-badge">
            {fresh} {t('newActivity')}
          </button>
        )}
        <ul data-testid="conversation-list">
          {items.length === 0 && <li className="empty">{t('noConversations')}</li>}
          {items.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="row"
                aria-current={c.id === selected}
                onClick={() => setSelected(c.id)}
                data-testid="conversation-row"
              >
                <span className="subject">{c.subject ?? '—'}</span>
                <span className="meta">
                  <ChannelName kinds={kinds} kind={c.routing.channelKind} /> · P{c.priority} ·{' '}
                  {new Date(c.lastMessageAt).toLocaleTimeString()}
                  {c.routing.slaBreached.length > 0 && <span className="breach"> · SLA</span>}
                </span>
                {c.tags.length > 0 && <span className="tags">{c.tags.join(', ')}</span>}
              </button>
            </li>
          ))}
        </ul>
        {help && (
          <div role="dialog" aria-label={t('shortcuts')} className="help">
            <strong>{t('shortcuts')}</strong>
            <p>{t('shortcutHelp')}</p>
          </div>
        )}
      </aside>
      <main className="detail">
        {selected ? (
          <ConversationView key={selected} id={selected} me={me} socket={socket} kinds={kinds} onChanged={() => void load()} />
        ) : (
          <p className="empty">{t('chooseConversation')}</p>
        )}
      </main>
    </div>
  );
}
