import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { PrivacyFinding, Visibility } from '../api/types.ts';
import { type ChannelInfo, visibilityLabel } from '../conversation/channel.tsx';
import { useHandoff } from '../handoff/context.tsx';
import { useT } from '../i18n/index.tsx';
import { useTypesInWords } from './words.ts';

/**
 * Said while a public reply is written with personal data in it, before Send: what was found and
 * that the server will refuse it, with the ways out (send it privately where the channel can,
 * move the conversation to a private channel, or take the data out).
 */
export function ComposerPrivacy({
  findings,
  channel,
  onVisibility,
}: {
  findings: readonly PrivacyFinding[];
  channel: ChannelInfo;
  onVisibility(v: Visibility): void;
}) {
  const { t, lang } = useT();
  const words = useTypesInWords();
  const handoff = useHandoff();
  if (findings.length === 0) return null;
  const canPrivate = channel.capabilities?.visibilities.includes('private') === true;
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="composer-pii" role="status">
      <Stack gap={6}>
        <Text size="sm">{t('privacy.composer.warning', { types: words(findings.map((f) => f.type)) })}</Text>
        <Group gap="xs" wrap="wrap">
          {canPrivate && (
            <Button size="compact-sm" onClick={() => onVisibility('private')} data-testid="composer-pii-private">
              {t('conversation.composer.refused.switch', {
                visibility: visibilityLabel(channel, 'private', lang, t('visibility.private')),
              })}
            </Button>
          )}
          {handoff && (
            <Button size="compact-sm" variant="default" onClick={handoff.open} data-testid="composer-pii-handoff">
              {t('privacy.message.move')}
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
