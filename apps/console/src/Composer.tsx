import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, type ChannelKind, type Me, type Message, textLimitFor } from './api.ts';
import { useT } from './i18n.tsx';

interface Props {
  conversationId: string;
  mode: 'reply' | 'note';
  onMode: (m: 'reply' | 'note') => void;
  kind: ChannelKind | undefined;
  me: Me;
  onSent: (m: Message) => void;
}

/** Code points: what most channels count (the server measures each channel its own way and has the last word). */
const measure = (text: string) => [...text].length;

/**
 * Reply or internal note. Knows the channel's limit from its capabilities: a live counter, and a
 * text over the limit is refused unless the channel can split it and the agent asks to. Canned
 * responses come in with /shortcut + Tab, and the agent's signature is added on request.
 */
export function Composer({ conversationId, mode, onMode, kind, me, onSent }: Props) {
  const { t } = useT();
  const caps = kind?.capabilities;
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>(caps?.visibilities[0] ?? 'private');
  const [split, setSplit] = useState(false);
  const [signature, setSignature] = useState(Boolean(me.user?.signature));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<{ shortcut: string; text: string }[]>([]);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    api<{ items: { shortcut: string; text: string }[] }>('GET', '/canned-responses').then(
      (r) => setCanned(r.items),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    if (caps) setVisibility(caps.visibilities[0] ?? 'private');
  }, [caps]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the text box takes focus whenever the agent switches between reply and note
  useEffect(() => {
    box.current?.focus();
  }, [mode]);

  const full = mode === 'reply' && signature && me.user?.signature ? `${text.trimEnd()}\n\n${me.user.signature}` : text;
  const limit = mode === 'reply' && caps ? textLimitFor(caps, visibility) : null;
  const length = measure(full);
  const over = limit !== null && length > limit;
  const canSplit = over && caps?.splitLongText === true;
  const blocked = text.trim().length === 0 || (over && !(canSplit && split));

  const send = async () => {
    if (blocked || busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ message: Message }>('POST', `/conversations/${conversationId}/messages`, {
        kind: mode,
        text: full,
        ...(mode === 'reply' ? { visibility, allowSplit: canSplit && split } : {}),
      });
      onSent(res.message);
      setText('');
      setSplit(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Tab') {
      const match = /(^|\s)\/([a-z0-9_-]+)$/.exec(text);
      const found = match && canned.find((c) => c.shortcut === match[2]);
      if (found && match) {
        e.preventDefault();
        setText(text.slice(0, text.length - (match[2]?.length ?? 0) - 1) + found.text);
      }
    } else if (e.key === 'Escape') {
      box.current?.blur();
    }
  };

  return (
    <form
      className={`composer ${mode}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="composer-modes">
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => onMode('reply')}>
          {t('reply')} <kbd>r</kbd>
        </button>
        <button type="button" aria-pressed={mode === 'note'} onClick={() => onMode('note')}>
          {t('note')} <kbd>n</kbd>
        </button>
        {mode === 'reply' && caps && caps.visibilities.length > 1 && (
          <select aria-label={t('public')} value={visibility} onChange={(e) => setVisibility(e.target.value as 'public' | 'private')}>
            {caps.visibilities.map((v) => (
              <option key={v} value={v}>
                {kind?.visibilityLabels?.[v] ?? t(v)}
              </option>
            ))}
          </select>
        )}
      </div>
      <label className="sr-only" htmlFor="composer-text">
        {mode === 'reply' ? t('reply') : t('note')}
      </label>
      <textarea
        id="composer-text"
        ref={box}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
        rows={4}
        placeholder={t('canned')}
        aria-invalid={over}
        aria-describedby="composer-counter"
        data-testid="composer"
      />
      <div className="composer-foot">
        <span id="composer-counter" className={over ? 'over' : ''} data-testid="counter" aria-live="polite">
          {limit !== null ? `${length}/${limit}` : length}
          {over && ` · ${t('tooLong')}`}
        </span>
        {canSplit && (
          <label>
            <input type="checkbox" checked={split} onChange={(e) => setSplit(e.target.checked)} data-testid="split" /> {t('split')}
          </label>
        )}
        {mode === 'reply' && me.user?.signature && (
          <label>
            <input type="checkbox" checked={signature} onChange={(e) => setSignature(e.target.checked)} /> {t('addSignature')}
          </label>
        )}
        <div className="spacer" />
        {error && (
          <span role="alert" className="error" data-testid="composer-error">
            {error}
          </span>
        )}
        <button type="submit" disabled={blocked || busy} data-testid="send">
          {busy ? t('sending') : t('send')} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
    </form>
  );
}
