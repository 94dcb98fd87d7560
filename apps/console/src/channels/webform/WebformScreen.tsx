import { Anchor, Card, Stack, Text, Title } from '@mantine/core';
import { useT } from '../../i18n/index.tsx';
import { Copyable } from '../AccountDetails.tsx';
import DefaultChannelScreen from '../DefaultChannelScreen.tsx';
import type { ChannelScreenProps } from '../screen-props.ts';
import '../strings.ts';

/**
 * The web form's own screen: where the form lives (the account's webhook address serves it), to
 * open or copy, above what every channel shows. The smallest example of a channel's own screen.
 */
export default function WebformScreen({ account, kind }: ChannelScreenProps) {
  const { t } = useT();
  return (
    <Stack gap="md" data-testid="channel-screen-webform">
      <Card withBorder padding="sm">
        <Stack gap={6}>
          <Title order={2} size="h5">
            {t('channels.formAddress')}
          </Title>
          <Copyable value={account.webhookUrl} label={t('channels.formAddress')} />
          <Anchor href={account.webhookUrl} target="_blank" rel="noopener noreferrer" size="sm">
            {t('channels.openForm')}
          </Anchor>
          <Text size="xs" c="dimmed">
            {t('channels.formHint')}
          </Text>
        </Stack>
      </Card>
      <DefaultChannelScreen account={account} kind={kind} />
    </Stack>
  );
}
