import { Alert, Badge, Button, Card, Group, List, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Fragment, useMemo, useState } from 'react';
import { ApiError, client, data } from '../../api/client.ts';
import { channelKindsQuery, keys } from '../../api/queries.ts';
import type { ChannelAccount } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import { localKind } from '../names.ts';
import '../strings.ts';
import { FieldControl } from './FieldControl.tsx';
import { changedConfig, errorsByField, type FormValue, type FormValues, initialValues, newConfig } from './form-values.ts';
import { fieldWarning } from './warnings.ts';

interface Report {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

type Details = { field?: string; path?: string; message?: string }[];

/**
 * Adds a channel account (`account` null: pick a kind, name it) or changes one, with the fields
 * its channel describes (GET /channel-kinds), a connection test of what is typed, and the API's
 * complaints shown on the fields they name. Changing one sends only what changed: a secret left
 * empty keeps its stored value.
 */
export default function AccountForm({ account, onClose }: { account: ChannelAccount | null; onClose: () => void }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const kinds = (useQuery(channelKindsQuery).data ?? []).map((k) => localKind(k, lang));
  const [picked, setKindName] = useState<string | null>(null);
  // Until an admin picks one, the first installed kind (the kinds may still be loading).
  const kindName = account?.kind ?? picked ?? kinds[0]?.kind ?? null;
  const kind = kinds.find((k) => k.kind === kindName) ?? null;
  const fields = kind?.fields ?? [];
  // biome-ignore lint/correctness/useExhaustiveDependencies: the fields are new objects each render; their kind and the account say when they change
  const initial = useMemo(() => initialValues(fields, account), [kind?.kind, lang, account?.id]);
  const [values, setValues] = useState<Record<string, FormValues>>({});
  const current: FormValues = values[kind?.kind ?? ''] ?? initial;
  const [name, setName] = useState(account?.name ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [report, setReport] = useState<Report | null>(null);

  const setValue = (field: string, value: FormValue) => {
    setValues((all) => ({ ...all, [kind?.kind ?? '']: { ...current, [field]: value } }));
    setErrors(({ [field]: _, ...rest }) => rest);
    // A report of other values would mislead: the next test tells.
    setReport(null);
  };
  const config = () => (account ? changedConfig(fields, initial, current) : newConfig(fields, current));
  const showError = (err: unknown) => {
    if (err instanceof ApiError && err.details.length > 0) setErrors(errorsByField(err.details as Details, fields));
    else setErrors({ '': err instanceof Error ? err.message : String(err) });
  };

  const test = useMutation({
    mutationFn: () =>
      data<Report>(
        client.POST('/api/v1/channel-accounts/test', {
          body: account ? { accountId: account.id, config: config() } : { kind: kind?.kind, config: config() },
        }),
      ),
    onMutate: () => {
      setReport(null);
      setErrors({});
    },
    onSuccess: setReport,
    onError: showError,
  });

  const save = useMutation({
    mutationFn: async () => {
      if (account) {
        const body = { config: config(), ...(name.trim() !== account.name ? { name } : {}) };
        if (Object.keys(body.config).length === 0 && !body.name) return null;
        return data<{ channelAccount: ChannelAccount }>(
          client.PATCH('/api/v1/channel-accounts/{id}', { params: { path: { id: account.id } }, body }),
        );
      }
      return data<{ channelAccount: ChannelAccount }>(
        client.POST('/api/v1/channel-accounts', { body: { kind: kind?.kind ?? '', name, config: config() } }),
      );
    },
    onMutate: () => setErrors({}),
    onSuccess: (res) => {
      if (!res) {
        notifications.show({ message: t('channels.setup.noChanges') });
        onClose();
        return;
      }
      const saved = res.channelAccount;
      notifications.show({
        color: 'green',
        message: account ? t('channels.setup.saved', { name: saved.name }) : t('channels.setup.created', { name: saved.name }),
      });
      void queryClient.invalidateQueries({ queryKey: keys.channelAccounts });
      onClose();
      if (!account) void navigate({ to: '/channels/$accountId', params: { accountId: saved.id } });
    },
    onError: showError,
  });

  return (
    <Card withBorder padding="sm" data-testid="account-form">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h5">
            {account ? t('channels.setup.editTitle', { name: account.name }) : t('channels.setup.addTitle')}
          </Title>
          {!account && (
            <Select
              label={t('channels.setup.kind')}
              description={t('channels.setup.kindHelp')}
              data={kinds.map((k) => ({ value: k.kind, label: k.displayName }))}
              value={kindName}
              onChange={(v) => {
                setKindName(v);
                setReport(null);
                setErrors({});
              }}
              allowDeselect={false}
              error={errors.kind}
            />
          )}
          <TextInput
            label={t('channels.setup.name')}
            description={t('channels.setup.nameHelp')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            withAsterisk
          />
          {fields.map((f) => {
            const warning = fieldWarning(kind?.kind, f.name, current[f.name]);
            return (
              <Fragment key={`${kind?.kind}:${f.name}`}>
                <FieldControl
                  field={f}
                  value={current[f.name] ?? ''}
                  onChange={(v) => setValue(f.name, v)}
                  error={errors[f.name]}
                  secretSet={account?.secrets[f.name] === 'set'}
                />
                {warning && (
                  <Alert color="orange" variant="light" p="xs" data-testid="field-warning" data-warning={warning}>
                    {t(`channels.setup.warning.${warning}`)}
                  </Alert>
                )}
              </Fragment>
            );
          })}
          {errors[''] && (
            <Alert color="red" p="xs" role="alert">
              {errors['']}
            </Alert>
          )}
          {report && <TestReport report={report} />}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" size="sm" onClick={onClose}>
              {t('channels.setup.cancel')}
            </Button>
            {kind?.source.testable && (
              <Button variant="light" size="sm" onClick={() => test.mutate()} loading={test.isPending}>
                {t('channels.setup.test')}
              </Button>
            )}
            <Button type="submit" size="sm" loading={save.isPending} disabled={!kind}>
              {t('channels.setup.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** Each check the adapter ran, passed or failed, with its own sentence (X: whose token it is). */
function TestReport({ report }: { report: Report }) {
  const { t } = useT();
  return (
    <Stack gap={6} data-testid="connection-test" aria-live="polite">
      <Text size="sm" fw={600} c={report.ok ? 'green' : 'red'}>
        {report.ok ? t('channels.setup.testOk') : t('channels.setup.testFailed')}
      </Text>
      <List spacing={4} listStyleType="none" p={0}>
        {report.checks.map((c) => (
          <List.Item key={c.name} data-testid="connection-check" data-ok={c.ok}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge size="sm" variant="light" color={c.ok ? 'green' : 'red'} style={{ flexShrink: 0 }}>
                {c.ok ? t('channels.setup.checkOk') : t('channels.setup.checkFailed')}
              </Badge>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                <Text span fw={500}>
                  {c.name}
                </Text>
                {': '}
                {c.detail}
              </Text>
            </Group>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
