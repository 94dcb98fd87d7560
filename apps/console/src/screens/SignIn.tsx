import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, client } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { LanguagePicker } from '../shell/LanguagePicker.tsx';

export function SignIn() {
  const { t } = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { next } = useSearch({ from: '/sign-in' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await client.POST('/api/v1/auth/login', { body: { email: String(form.get('email')), password: String(form.get('password')) } });
      queryClient.removeQueries();
      await queryClient.invalidateQueries({ queryKey: keys.me });
      await navigate({ to: next ?? '/' });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('auth.tooMany') : t('auth.badLogin'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={380} component="main">
        <form onSubmit={(e) => void submit(e)}>
          <Stack>
            <Title order={1} size="h3">
              {t('auth.title')}
            </Title>
            <TextInput name="email" type="email" label={t('auth.email')} autoComplete="username" required autoFocus />
            <PasswordInput name="password" label={t('auth.password')} autoComplete="current-password" required />
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              {t('auth.signIn')}
            </Button>
            <LanguagePicker />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
