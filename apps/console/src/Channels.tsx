import { useCallback, useEffect, useState } from 'react';
import { api, type ChannelAccount, type ChannelKind, iconSource } from './api.ts';
import { useT } from './i18n.tsx';

/** How often the list is read again: account states change without a console event. */
const REFRESH_MS = 10_000;

/**
 * The workspace's channel accounts as their adapters describe them: icon and name, the state the
 * adapter last reported (with its sentence, since when, and a code to scan while linking), the
 * webhook URL, and the settings under the adapter's own labels (secrets only as set or not).
 */
export function Channels({ tick }: { tick: number }) {
  const { t } = useT();
  const [accounts, setAccounts] = useState<ChannelAccount[]>([]);
  const [kinds, setKinds] = useState<ChannelKind[]>([]);
  useEffect(() => {
    api<{ items: ChannelKind[] }>('GET', '/channel-kinds').then(
      (r) => setKinds(r.items),
      () => undefined,
    );
  }, []);
  const load = useCallback(() => {
    api<{ items: ChannelAccount[] }>('GET', '/channel-accounts').then(
      (r) => setAccounts(r.items),
      () => undefined,
    );
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a live tick reloads the list too
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, tick]);

  return (
    <section className="channels" aria-labelledby="channels-h">
      <h2 id="channels-h">{t('channels')}</h2>
      {accounts.length === 0 && <p className="empty">{t('noAccounts')}</p>}
      <ul className="channel-list" data-testid="channel-accounts">
        {accounts.map((a) => {
          const kind = kinds.find((k) => k.kind === a.kind);
          const state = a.state?.state;
          return (
            <li key={a.id} className="channel-account" data-testid="channel-account">
              <header>
                {kind && <img src={iconSource(kind.icon)} alt="" width={20} height={20} />}
                <strong>{a.name}</strong>
                <span className="muted">{kind?.displayName ?? a.kind}</span>
                {!a.active && <span className="muted">· {t('inactive')}</span>}
                <span className={`account-state ${state ?? 'unknown'}`} data-testid="account-state">
                  {state ? t(state) : t('noState')}
                </span>
              </header>
              {!a.installed && <p className="error">{t('notInstalled')}</p>}
              {a.state && (
                <p className="state-detail" data-testid="account-state-detail">
                  {a.state.detail}{' '}
                  <span className="muted">
                    ({t('since')} {new Date(a.state.changedAt).toLocaleString()})
                  </span>
                </p>
              )}
              {state === 'linking' && typeof a.state?.data?.image === 'string' && a.state.data.image.startsWith('data:image/') && (
                <figure className="link-code">
                  <img src={a.state.data.image} alt={t('scanToLink')} width={200} height={200} />
                  <figcaption>{t('scanToLink')}</figcaption>
                </figure>
              )}
              <dl>
                <dt>{t('webhookUrl')}</dt>
                <dd>
                  <code>{a.webhookUrl}</code>
                </dd>
                {kind?.fields
                  .filter((f) => f.secret || a.settings[f.name] !== undefined)
                  .map((f) => (
                    <div key={f.name} className="field">
                      <dt title={f.help ?? undefined}>{f.label}</dt>
                      <dd>
                        {f.secret ? (a.secrets[f.name] === 'set' ? t('secretSet') : t('secretUnset')) : formatSetting(a.settings[f.name])}
                      </dd>
                    </div>
                  ))}
              </dl>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function formatSetting(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ') || '—';
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return value === '' || value === null || value === undefined ? '—' : String(value);
}
