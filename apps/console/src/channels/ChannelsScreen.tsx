import { Alert, Badge, Button, Card, Group, Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { lazy, Suspense, useState } from 'react';
import { meQuery } from '../api/queries.ts';
import type { ChannelAccount } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { channelAccountsQuery } from '../supervisor/queries.ts';
import { AnchorTo } from '../ui/links.tsx';
import { Screen } from '../ui/Screen.tsx';
import { AccountSettings, AccountState, KindLabel } from './AccountDetails.tsx';
import { type LocalKind, useChannelKinds } from './names.ts';
import { screenFor } from './screens.ts';
import './strings.ts';

/** How often accounts are read again: their states change without a console event. */
const REFRESH_MS = 10_000;

const accountsLive = { ...channelAccountsQuery, staleTime: 0, refetchInterval: REFRESH_MS };

// The add and edit form loads only when an administrator opens it.
const AccountForm = lazy(() => import('./setup/AccountForm.tsx'));

function useIsAdmin(): boolean {
  return useQuery(meQuery).data?.role === 'admin';
}

/** The workspace's channel accounts as their adapters present them, each with its state. */
export function ChannelsScreen() {
  const { t } = useT();
  const accounts = useQuery(accountsLive);
  const kinds = useChannelKinds();
  const admin = useIsAdmin();
  const [adding, setAdding] = useState(false);
  const add = admin && !adding && (
    <Button size="xs" onClick={() => setAdding(true)}>
      {t('channels.setup.add')}
    </Button>
  );
  return (
    <Screen title={t('channels.title')} actions={add || undefined}>
      <Text c="dimmed" size="sm">
        {t('channels.caption')}
      </Text>
      {adding && (
        <Suspense fallback={<Loader size="sm" aria-label={t('app.loading')} />}>
          <AccountForm account={null} onClose={() => setAdding(false)} />
        </Suspense>
      )}
      {accounts.data?.length === 0 && <Text size="sm">{t('channels.empty')}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm" data-testid="channel-accounts">
        {(accounts.data ?? []).map((a) => (
          <AccountCard key={a.id} account={a} kind={kinds(a.kind)} />
        ))}
      </SimpleGrid>
    </Screen>
  );
}

function AccountHeader({ account, kind }: { account: ChannelAccount; kind: LocalKind | null }) {
  const { t } = useT();
  return (
    <Group gap="xs" wrap="wrap">
      <KindLabel kind={kind} raw={account.kind} />
      {!account.active && (
        <Badge color="gray" variant="outline">
          {t('channels.inactive')}
        </Badge>
      )}
    </Group>
  );
}

function AccountCard({ account, kind }: { account: ChannelAccount; kind: LocalKind | null }) {
  const { t } = useT();
  return (
    <Card withBorder padding="sm" data-testid="channel-account">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <AnchorTo
              to="/channels/$accountId"
              params={{ accountId: account.id }}
              fw={600}
              aria-label={t('channels.open', { name: account.name })}
            >
              {account.name}
            </AnchorTo>
            <AccountHeader account={account} kind={kind} />
          </div>
        </Group>
        {!account.installed && (
          <Alert color="red" p="xs">
            {t('channels.notInstalled')}
          </Alert>
        )}
        <AccountState account={account} />
        <AccountSettings account={account} kind={kind} />
      </Stack>
    </Card>
  );
}

/** /channels/<account>: the account's own screen, as its channel registered it (screens.ts). */
export function ChannelAccountScreen() {
  const { t } = useT();
  const { accountId } = useParams({ from: '/app/channels/$accountId' });
  const accounts = useQuery(accountsLive);
  const kinds = useChannelKinds();
  const admin = useIsAdmin();
  const [editing, setEditing] = useState<string | null>(null);
  const account = accounts.data?.find((a) => a.id === accountId);
  if (accounts.isPending) return <Loader m="md" aria-label={t('app.loading')} />;
  if (!account) {
    return (
      <Screen title={t('channels.title')}>
        <Text>{t('channels.notFound')}</Text>
        <AnchorTo to="/channels">{t('channels.back')}</AnchorTo>
      </Screen>
    );
  }
  const kind = kinds(account.kind);
  const ChannelScreen = screenFor(account.kind);
  return (
    <Screen
      title={account.name}
      actions={
        <Group gap="sm" wrap="wrap">
          {admin && account.installed && editing !== account.id && (
            <Button size="xs" variant="light" onClick={() => setEditing(account.id)}>
              {t('channels.setup.edit')}
            </Button>
          )}
          <AnchorTo to="/channels">{t('channels.back')}</AnchorTo>
        </Group>
      }
    >
      <AccountHeader account={account} kind={kind} />
      {!account.installed && <Alert color="red">{t('channels.notInstalled')}</Alert>}
      {editing === account.id && (
        <Suspense fallback={<Loader size="sm" aria-label={t('app.loading')} />}>
          <AccountForm account={account} onClose={() => setEditing(null)} />
        </Suspense>
      )}
      <Suspense fallback={<Loader size="sm" aria-label={t('app.loading')} />}>
        <ChannelScreen account={account} kind={kind} />
      </Suspense>
    </Screen>
  );
}
