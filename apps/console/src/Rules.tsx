import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from './api.ts';
import { useT } from './i18n.tsx';

interface Issue {
  rule?: string;
  path?: string;
  message: string;
}
interface Version {
  version: number;
  publishedAt: string | null;
  status: string;
}

/** The rule set: edit the draft (JSON), validate, preview who would get a conversation, publish, roll back. */
export function Rules() {
  const { t } = useT();
  const [text, setText] = useState('');
  const [published, setPublished] = useState<number | null>(null);
  const [versions, setVersions] = useState<Version[]>([]);
  const [issues, setIssues] = useState<Issue[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [sample, setSample] = useState('{"channel":"webform","language":"es","country":"ES","text":"No tengo fibra"}');
  const [preview, setPreview] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [rules, list] = await Promise.all([
      api<{ published: { version: number; document: unknown } | null; draft: { document: unknown; issues: Issue[] } | null }>(
        'GET',
        '/routing/rules',
      ),
      api<{ items: Version[] }>('GET', '/routing/rules/versions'),
    ]);
    setPublished(rules.published?.version ?? null);
    setText(JSON.stringify(rules.draft?.document ?? rules.published?.document ?? { rules: [] }, null, 2));
    setIssues(rules.draft?.issues ?? null);
    setVersions(list.items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
    } catch (err) {
      const details = err instanceof ApiError ? err.message : String(err);
      setMessage(details);
    }
  };
  const parsed = () => JSON.parse(text) as Record<string, unknown>;
  const validate = () =>
    run(async () => {
      const r = await api<{ valid: boolean; issues: Issue[] }>('POST', '/routing/rules/validate', { document: parsed() });
      setIssues(r.issues);
      if (r.valid) setMessage(t('valid'));
    });
  const save = () => run(() => api('PUT', '/routing/rules/draft', { document: parsed() }).then(load));
  const publish = () =>
    run(async () => {
      await api('PUT', '/routing/rules/draft', { document: parsed() });
      await api('POST', '/routing/rules/publish', {});
      await load();
    });
  const rollback = (version: number) => run(() => api('POST', `/routing/rules/versions/${version}/publish`, {}).then(load));
  const runPreview = () =>
    run(async () => {
      const r = await api<{ agentId: string | null; teamId: string | null; priority: number; explanation: unknown }>(
        'POST',
        '/routing/preview',
        {
          conversation: JSON.parse(sample),
          rules: { document: parsed() },
        },
      );
      setPreview(JSON.stringify(r, null, 2));
    });

  return (
    <section aria-labelledby="rules-h" className="rules">
      <h2 id="rules-h">
        {t('rules')}{' '}
        {published !== null && (
          <small>
            ({t('published')} v{published})
          </small>
        )}
      </h2>
      <label htmlFor="rules-doc">{t('draft')}</label>
      <textarea id="rules-doc" value={text} onChange={(e) => setText(e.target.value)} rows={14} spellCheck={false} className="code" />
      <div className="row-actions">
        <button type="button" onClick={() => void validate()}>
          {t('validate')}
        </button>
        <button type="button" onClick={() => void save()}>
          {t('saveDraft')}
        </button>
        <button type="button" onClick={() => void publish()}>
          {t('publish')}
        </button>
        <label>
          {t('rollback')}{' '}
          <select value="" onChange={(e) => e.target.value && void rollback(Number(e.target.value))}>
            <option value="">…</option>
            {versions
              .filter((v) => v.version !== published)
              .map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
          </select>
        </label>
      </div>
      {message && <p role="status">{message}</p>}
      {issues && issues.length > 0 && (
        <ul className="issues" role="alert">
          {issues.map((i) => (
            <li key={`${i.rule}-${i.path}-${i.message}`}>
              {i.rule ? `${i.rule}: ` : ''}
              {i.path ? `${i.path}: ` : ''}
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('preview')}</h3>
      <textarea aria-label={t('preview')} value={sample} onChange={(e) => setSample(e.target.value)} rows={3} className="code" />
      <button type="button" onClick={() => void runPreview()}>
        {t('runPreview')}
      </button>
      {preview && <pre className="code">{preview}</pre>}
    </section>
  );
}
