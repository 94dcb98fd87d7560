import { useCallback, useEffect, useState } from 'react';
import { type Agent, type AgentStatus, api, type Me } from './api.ts';
import { Channels } from './Channels.tsx';
import { Inbox } from './Inbox.tsx';
import { useT } from './i18n.tsx';
import { useLive } from './live.ts';
import { SignIn } from './SignIn.tsx';
import { StatusSelect } from './StatusSelect.tsx';
import { Supervisor } from './Supervisor.tsx';

/** Signed in or not: the session cookie survives a reload, so /auth/me decides. */
export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const load = useCallback(() => {
    // Not signed in (401), or the server unreachable: either way, the sign-in page.
    api<Me>('GET', '/auth/me').then(setMe, () => setMe(null));
  }, []);
  useEffect(load, [load]);
  if (me === undefined) return null;
  if (me === null) return <SignIn onSignedIn={load} />;
  return <Shell me={me} onSignedOut={() => setMe(null)} />;
}

function Shell({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t, lang, setLang } = useT();
  const [view, setView] = useState<'inbox' | 'supervisor' | 'channels'>('inbox');
  const [self, setSelf] = useState<Agent | null>(null);
  const [tick, setTick] = useState(0);
  const supervisor = me.role !== 'agent';
  const refreshSelf = useCallback(() => {
    if (me.user)
      api<{ agent: Agent }>('GET', `/agents/${me.user.id}`).then(
        (r) => setSelf(r.agent),
        () => setSelf(null),
      );
  }, [me.user]);
  useEffect(refreshSelf, [refreshSelf]);
  const { socket, connected } = useLive({
    'agent.updated': ({ agent }: { agent: Agent }) => {
      if (agent.id === me.user?.id) setSelf(agent);
      setTick((n) => n + 1);
    },
    'conversation.created': () => setTick((n) => n + 1),
    'conversation.updated': () => setTick((n) => n + 1),
    reconnected: () => {
      refreshSelf();
      setTick((n) => n + 1);
    },
  });
  const setStatus = async (status: AgentStatus) => {
    const res = await api<{ agent: Agent }>('POST', '/me/status', { status });
    setSelf(res.agent);
  };
  const signOut = async () => {
    await api('POST', '/auth/logout').catch(() => undefined);
    onSignedOut();
  };
  return (
    <div className="shell">
      <header className="topbar">
        <strong className="brand">Centralita</strong>
        <nav aria-label="Main">
          <button type="button" aria-pressed={view === 'inbox'} onClick={() => setView('inbox')}>
            {t('inbox')}
          </button>
          {supervisor && (
            <button type="button" aria-pressed={view === 'supervisor'} onClick={() => setView('supervisor')}>
              {t('supervisor')}
            </button>
          )}
          {supervisor && (
            <button type="button" aria-pressed={view === 'channels'} onClick={() => setView('channels')}>
              {t('channels')}
            </button>
          )}
        </nav>
        <div className="spacer" />
        {!connected && (
          <span role="status" className="warn">
            {t('reconnecting')}
          </span>
        )}
        {self?.routable && (
          <div className="me-status" data-testid="my-status">
            <span className={`dot ${self.status}`} aria-hidden="true" />
            <StatusSelect label={t('status')} value={self.status} onChange={(st) => void setStatus(st)} />
            <span title={t('load')} data-testid="my-load">
              {t('load')} {self.load.total}/{self.capacity.total}
            </span>
          </div>
        )}
        <label>
          <span className="sr-only">{t('language')}</span>
          <select value={lang} onChange={(e) => setLang(e.target.value as 'es' | 'en')}>
            <option value="es">ES</option>
            <option value="en">EN</option>
          </select>
        </label>
        <span className="who">{me.name}</span>
        <button type="button" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
      </header>
      {view === 'inbox' ? (
        <Inbox me={me} socket={socket} tick={tick} />
      ) : view === 'channels' ? (
        <Channels tick={tick} />
      ) : (
        <Supervisor tick={tick} />
      )}
    </div>
  );
}
