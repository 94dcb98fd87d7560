import { type FormEvent, useState } from 'react';
import { api } from './api.ts';
import { useT } from './i18n.tsx';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/auth/login', { email: form.get('email'), password: form.get('password') });
      onSignedIn();
    } catch {
      setError(t('badLogin'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <h1>Centralita</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'signin-error' : undefined}>
        <label>
          {t('email')}
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p id="signin-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
    </main>
  );
}
