import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import type { ChannelAccount } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import DefaultChannelScreen from '../DefaultChannelScreen.tsx';
import type { ChannelScreenProps } from '../screen-props.ts';
import '../strings.ts';

// The X adapter's defaults (packages/channel-twitter/src/config.ts), for settings an account leaves out.
const DEFAULTS = {
  tier: 'self_serve',
  mentions: true,
  directMessages: true,
  mentionsIntervalSeconds: 60,
  directMessagesIntervalSeconds: 120,
  reconcileSeconds: 900,
} as const;

type Tier = 'self_serve' | 'enterprise';

/**
 * An X account: after its state, what its tier lets it answer and which ways posts and DMs come
 * in; then what every metered, listening channel shows (usage against the budget, which
 * administrators set, and the saved searches) and its settings.
 */
export default function TwitterScreen({ account, kind }: ChannelScreenProps) {
  return (
    <div data-testid="channel-screen-twitter">
      <DefaultChannelScreen account={account} kind={kind}>
        <XAccount account={account} />
      </DefaultChannelScreen>
    </div>
  );
}

function XAccount({ account }: { account: ChannelAccount }) {
  const { t } = useT();
  const s = account.settings as Partial<Record<keyof typeof DEFAULTS | 'brandUsername', unknown>>;
  const tier: Tier = s.tier === 'enterprise' ? 'enterprise' : 'self_serve';
  const seconds = (key: 'mentionsIntervalSeconds' | 'directMessagesIntervalSeconds' | 'reconcileSeconds') =>
    typeof s[key] === 'number' ? s[key] : DEFAULTS[key];
  const webhook = account.capabilities?.inbound.push === true;
  const paths = [
    { label: t('channels.twitter.mentions', { seconds: seconds('mentionsIntervalSeconds') }), on: s.mentions !== false },
    { label: t('channels.twitter.directMessages', { seconds: seconds('directMessagesIntervalSeconds') }), on: s.directMessages !== false },
    {
      label: webhook ? t('channels.twitter.webhookReconcile', { seconds: seconds('reconcileSeconds') }) : t('channels.twitter.webhook'),
      on: webhook,
    },
    { label: t('channels.twitter.listening'), on: account.capabilities?.listening === true },
  ];
  return (
    <Card withBorder padding="sm" data-testid="x-account">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {t('channels.twitter.account')}
        </Title>
        <Table layout="fixed" variant="vertical" withTableBorder fz="sm">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w="40%">{t('channels.twitter.tier')}</Table.Th>
              <Table.Td data-testid="x-tier">
                <Text size="sm" fw={500}>
                  {t(`channels.twitter.tiers.${tier}`)}
                </Text>
                <Text size="xs" c="dimmed">
                  {t(`channels.twitter.tierMeaning.${tier}`)}
                </Text>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('channels.twitter.brand')}</Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {typeof s.brandUsername === 'string' && s.brandUsername ? `@${s.brandUsername}` : t('channels.twitter.notLookedUp')}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('channels.twitter.inbound')}</Table.Th>
              <Table.Td>
                <Stack gap={4} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }} data-testid="x-inbound">
                  {paths.map((p) => (
                    <Group key={p.label} gap={6} wrap="nowrap" component="li" align="flex-start">
                      <Badge size="xs" variant="light" color={p.on ? 'green' : 'gray'} style={{ flexShrink: 0 }}>
                        {p.on ? t('channels.twitter.on') : t('channels.twitter.off')}
                      </Badge>
                      <Text size="xs">{p.label}</Text>
                    </Group>
                  ))}
                </Stack>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
