import { Card, Stack, Title } from '@mantine/core';
import { useSuspenseQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { meQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AccountSettings, AccountState } from './AccountDetails.tsx';
import { SavedSearches } from './listening/SavedSearches.tsx';
import type { ChannelScreenProps } from './screen-props.ts';
import { BudgetEditor } from './usage/BudgetEditor.tsx';
import { UsagePanel } from './usage/UsagePanel.tsx';
import './strings.ts';

/**
 * Any channel's account: the state its adapter reported; for a metered channel (X) the month's
 * usage against the budget, which administrators set; for a listening one its saved searches;
 * and its settings under the adapter's labels. A channel's own screen puts its part (`children`)
 * right after the state.
 */
export default function DefaultChannelScreen({ account, kind, children }: ChannelScreenProps & { children?: ReactNode }) {
  const { t } = useT();
  const me = useSuspenseQuery(meQuery).data;
  return (
    <Stack gap="md" data-testid="channel-screen-default">
      <Card withBorder padding="sm">
        <AccountState account={account} />
      </Card>
      {children}
      {account.usage && me.role !== 'agent' && <UsagePanel accountId={account.id} />}
      {account.usage && me.role === 'admin' && <BudgetEditor accountId={account.id} />}
      {account.capabilities?.listening && <SavedSearches accountId={account.id} />}
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('channels.settings')}
        </Title>
        <AccountSettings account={account} kind={kind} />
      </Stack>
    </Stack>
  );
}
