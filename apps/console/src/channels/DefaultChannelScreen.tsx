import { Card, Stack, Title } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { AccountSettings, AccountState } from './AccountDetails.tsx';
import type { ChannelScreenProps } from './screen-props.ts';
import './strings.ts';

/** Any channel's account: the state its adapter reported, and its settings under the adapter's labels. */
export default function DefaultChannelScreen({ account, kind }: ChannelScreenProps) {
  const { t } = useT();
  return (
    <Stack gap="md" data-testid="channel-screen-default">
      <Card withBorder padding="sm">
        <AccountState account={account} />
      </Card>
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('channels.settings')}
        </Title>
        <AccountSettings account={account} kind={kind} />
      </Stack>
    </Stack>
  );
}
