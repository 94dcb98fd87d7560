import { useCallback, useEffect, useState } from 'react';
import type { Socket } from 'socket.io-client';
import {
  type Agent,
  api,
  type ChannelAccount,
  type ChannelKind,
  type Contact,
  type Conversation,
  type Explanation,
  type Me,
  type Message,
  type Page,
  type Team,
} from './api.ts';
import { ChannelName, visibilityLabel } from './ChannelName.tsx';
import { Composer } from './Composer.tsx';
import { EmailBody } from './EmailBody.tsx';
import { type Key, useT } from './i18n.tsx';
import { useShortcuts } from './shortcuts.ts';

interface Props {
  id: string;
  me: Me;
  socket: Socket | null;
  kinds: ChannelKind[];
  onChanged: () => void;
}

/** One conversation: its timeline across channels, the contact, why it is here, and what to do with it. */
export function ConversationView({ id, me, socket, kinds, onChanged }: Props) {
  const { t } = useT();
  const [conv, setConv] = useState<Conversation | null>(null);
  const [contact, setContact] = useState<Contact | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [accounts, setAccounts] = useState<ChannelAccount[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [past, setPast] = useState<Conversation[]>([]);
  const [viewers, setViewers] = useState<{ userId: string; name: string }[]>([]);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [error, setError] = useState<string | null>(null);
  const [newTag, setNewTag] = useState('');

  const load = useCallback(async () => {
    const [detail, page] = await Promise.all([
      api<{ conversation: Conversation; contact: Contact }>('GET', `/conversations/${id}`),
      api<Page<Message>>('GET', `/conversations/${id}/messages?limit=200`),
    ]);
    setConv(detail.conversation);
    setContact(detail.contact);
    setMessages(page.items);
    const earlier = await api<Page<Conversation>>('GET', `/conversations?status=resolved&contact=${detail.contact.id}&limit=10`);
    setPast(earlier.items.filter((c) => c.id !== id));
  }, [id]);

  useEffect(() => {
    void load();
    api<{ items: ChannelAccount[] }>('GET', '/channel-accounts').then(
      (r) => setAccounts(r.items),
      () => undefined,
    );
    api<{ items: Team[] }>('GET', '/teams').then(
      (r) => setTeams(r.items),
      () => undefined,
    );
    api<{ items: Agent[] }>('GET', '/agents').then(
      (r) => setAgents(r.items),
      () => undefined,
    );
  }, [load]);
  // Live changes to this conversation only (its own messages, status, assignment, presence); a
  // reconnect refetches it, since events sent while away are not replayed.
  useEffect(() => {
    if (!socket) return;
    const changed = ({ conversation }: { conversation: Conversation }) => {
      if (conversation.id === id) setConv(conversation);
    };
    const upsert = ({ conversationId, message }: { conversationId: string; message: Message }) => {
      if (conversationId !== id) return;
      setMessages((list) =>
        list.some((m) => m.id === message.id) ? list.map((m) => (m.id === message.id ? message : m)) : [...list, message],
      );
    };
    const presence = ({ conversationId, viewers: v }: { conversationId: string; viewers: { userId: string; name: string }[] }) => {
      if (conversationId === id) setViewers(v);
    };
    const view = () => socket.emit('presence.view', { conversationId: id });
    const reconnected = () => {
      view();
      void load();
    };
    socket.on('conversation.updated', changed);
    socket.on('message.created', upsert);
    socket.on('message.updated', upsert);
    socket.on('presence.updated', presence);
    socket.on('connect', reconnected);
    view();
    return () => {
      socket.emit('presence.leave');
      socket.off('conversation.updated', changed);
      socket.off('message.created', upsert);
      socket.off('message.updated', upsert);
      socket.off('presence.updated', presence);
      socket.off('connect', reconnected);
    };
  }, [socket, id, load]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const setStatus = (action: 'resolve' | 'reopen' | 'pending') => act(() => api('POST', `/conversations/${id}/status`, { action }));
  useShortcuts({
    r: () => setMode('reply'),
    n: () => setMode('note'),
    e: () => void setStatus('resolve'),
  });

  if (!conv || !contact) return null;
  const account = accounts.find((a) => a.id === conv.channelAccountId);
  const kind = kinds.find((k) => k.kind === account?.kind);
  const kindOf = (accountId: string) => accounts.find((a) => a.id === accountId)?.kind ?? null;
  const others = viewers.filter((v) => v.userId !== me.user?.id);
  const localTime = contact.timezone
    ? new Intl.DateTimeFormat(undefined, { timeZone: contact.timezone, hour: '2-digit', minute: '2-digit', weekday: 'short' }).format(
        new Date(),
      )
    : null;
  const explanation = conv.routing.explanation;

  return (
    <div className="conversation">
      <section className="thread" aria-label={conv.subject ?? contact.name ?? ''}>
        <header className="conv-head">
          <h2 data-testid="conversation-title">{conv.subject ?? contact.name ?? contact.identities[0]?.externalId}</h2>
          <span className={`status ${conv.status}`} data-testid="conversation-status">
            {t(conv.status)}
          </span>
          <div className="actions">
            {conv.status === 'resolved' ? (
              <button type="button" onClick={() => void setStatus('reopen')}>
                {t('reopen')}
              </button>
            ) : (
              <>
                <button type="button" onClick={() => void setStatus('resolve')} data-testid="resolve">
                  {t('resolve')} <kbd>e</kbd>
                </button>
                {conv.status !== 'pending' && (
                  <button type="button" onClick={() => void setStatus('pending')}>
                    {t('markPending')}
                  </button>
                )}
              </>
            )}
            {me.user && conv.assigneeId !== me.user.id && (
              <button type="button" onClick={() => void act(() => api('POST', `/conversations/${id}/assign`, { agentId: me.user?.id }))}>
                {t('assignToMe')}
              </button>
            )}
            <label>
              <span className="sr-only">{t('transferTo')}</span>
              <select
                value=""
                onChange={(e) => {
                  const [what, target] = e.target.value.split(':');
                  const body = what === 'agent' ? { agentId: target } : { agentId: null, teamId: target };
                  void act(() => api('POST', `/conversations/${id}/assign`, body));
                }}
              >
                <option value="">{t('transferTo')}…</option>
                <optgroup label={t('team')}>
                  {teams.map((tm) => (
                    <option key={tm.id} value={`team:${tm.id}`}>
                      {tm.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={t('agents')}>
                  {agents
                    .filter((a) => a.routable && a.id !== conv.assigneeId)
                    .map((a) => (
                      <option key={a.id} value={`agent:${a.id}`}>
                        {a.name} ({t(a.status)})
                      </option>
                    ))}
                </optgroup>
              </select>
            </label>
          </div>
        </header>
        {others.length > 0 && (
          <p className="presence" role="status" data-testid="presence">
            {t('alsoViewing')} {others.map((v) => v.name).join(', ')}
          </p>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <ol className="timeline" data-testid="timeline">
          {messages.map((m) => (
            <li key={m.id} className={`msg ${m.direction}`} data-testid="message">
              <div className="msg-meta">
                <ChannelName kinds={kinds} kind={kindOf(m.channelAccountId)} />
                <span>{m.direction === 'note' ? t('note') : visibilityLabel(kinds, kindOf(m.channelAccountId), m.visibility, t)}</span>
                <span data-testid="delivery">{deliveryLabel(t, m.deliveryState)}</span>
                {m.automated && <span>{t('automated')}</span>}
                <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString()}</time>
              </div>
              {m.html ? <EmailBody html={m.html} /> : <p className="text">{m.text}</p>}
              {m.attachments.length > 0 && (
                <ul className="files" aria-label={t('attachments')}>
                  {m.attachments.map((a) => (
                    <li key={a.id}>
                      <a href={`/api/v1/attachments/${a.id}`} download={a.filename}>
                        {a.filename}
                      </a>{' '}
                      ({Math.ceil(a.size / 1024)} KB)
                    </li>
                  ))}
                </ul>
              )}
              {m.deliveryState === 'failed' && (
                <p className="error">
                  {m.failureReason}{' '}
                  <button type="button" onClick={() => void act(() => api('POST', `/conversations/${id}/messages/${m.id}/retry`))}>
                    {t('retry')}
                  </button>
                </p>
              )}
            </li>
          ))}
        </ol>
        <Composer
          conversationId={id}
          mode={mode}
          onMode={setMode}
          kind={kind}
          me={me}
          onSent={(m) => setMessages((l) => (l.some((x) => x.id === m.id) ? l : [...l, m]))}
        />
      </section>
      <aside className="side" aria-label={t('contact')}>
        <h3>{t('contact')}</h3>
        <p data-testid="contact-name">{contact.name ?? '—'}</p>
        <dl>
          {contact.country && (
            <>
              <dt>País / Country</dt>
              <dd>{contact.country}</dd>
            </>
          )}
          {localTime && (
            <>
              <dt>{t('localTime')}</dt>
              <dd>
                {localTime} ({contact.timezone})
              </dd>
            </>
          )}
          {contact.signals.followers !== undefined && (
            <>
              <dt>{t('followers')}</dt>
              <dd>{contact.signals.followers.toLocaleString()}</dd>
            </>
          )}
        </dl>
        <h4>{t('identities')}</h4>
        <ul>
          {contact.identities.map((i) => (
            <li key={`${i.kind}:${i.externalId}`}>
              {i.kind}: {i.externalId} {i.verified ? '✓' : ''}
            </li>
          ))}
        </ul>
        <h4>{t('tags')}</h4>
        <ul className="tag-list">
          {conv.tags.map((tag) => (
            <li key={tag}>
              {tag}{' '}
              <button
                type="button"
                aria-label={`− ${tag}`}
                onClick={() => void act(() => api('PUT', `/conversations/${id}/tags`, { tags: conv.tags.filter((x) => x !== tag) }))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (newTag.trim())
              void act(() => api('PUT', `/conversations/${id}/tags`, { tags: [...conv.tags, newTag.trim()] })).then(() => setNewTag(''));
          }}
        >
          <input aria-label={t('addTag')} placeholder={t('addTag')} value={newTag} onChange={(e) => setNewTag(e.target.value)} />
        </form>
        <h4>{t('whyHere')}</h4>
        <p className="why" data-testid="routing-explanation">
          {explain(explanation)}
        </p>
        {past.length > 0 && (
          <>
            <h4>{t('pastConversations')}</h4>
            <ul>
              {past.map((p) => (
                <li key={p.id}>
                  {p.subject ?? '—'} · {new Date(p.lastMessageAt).toLocaleDateString()}
                </li>
              ))}
            </ul>
          </>
        )}
      </aside>
    </div>
  );
}

/** The routing decision in one line: the rule, the outcome (who and which team), and why agents were left out. */
function explain(e: Explanation | null): string {
  if (!e) return '—';
  const parts = [`rule ${String(e.rule ?? '—')}`, `→ ${String(e.outcome ?? '?')}`];
  // Decisions stored before names were recorded have only ids, which say nothing to a person.
  const named = [e.agentName, e.teamName].filter((n): n is string => typeof n === 'string' && n !== '');
  if (named.length > 0) parts.push(named.join(' · '));
  if (e.reason) parts.push(`(${String(e.reason)})`);
  if (typeof e.eligible === 'number') parts.push(`· ${e.eligible} eligible`);
  const excluded = e.excluded && typeof e.excluded === 'object' ? Object.entries(e.excluded as Record<string, number>) : [];
  if (excluded.length > 0) parts.push(`· ${excluded.map(([why, n]) => `${n} ${why.replaceAll('_', ' ')}`).join(', ')}`);
  if (typeof e.priority === 'number') parts.push(`· P${e.priority}`);
  return parts.join(' ');
}

function deliveryLabel(t: (k: Key) => string, state: string): string {
  const known: Record<string, Key> = {
    queued: 'queued',
    sent: 'sent',
    delivered: 'delivered',
    read: 'read',
    failed: 'failed',
    received: 'received',
  };
  const key = known[state];
  return key ? t(key) : state;
}
