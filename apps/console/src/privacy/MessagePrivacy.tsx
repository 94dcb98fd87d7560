import { Alert, Button, Stack, Text } from '@mantine/core';
import type { Message } from '../api/types.ts';
import { useHandoff } from '../handoff/context.tsx';
import { useT } from '../i18n/index.tsx';
import { useTypesInWords } from './words.ts';

/**
 * Under a customer message the privacy guard found personal data in: what it found, in words
 * ("This public post contains a DNI and an IBAN"), the way to move the conversation to a private
 * channel, and, when the server masked it for this reader, why the data shows as •••.
 */
export function MessagePrivacy({ message: m }: { message: Message }) {
  const { t } = useT();
  const words = useTypesInWords();
  const handoff = useHandoff();
  const privacy = m.privacy;
  if (!privacy || privacy.types.length === 0) return null;
  const types = words(privacy.types);
  const publicPost = m.visibility === 'public';
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="pii-warning">
      <Stack gap={4}>
        <Text size="xs" fw={600}>
          {publicPost ? t('privacy.message.public', { types }) : t('privacy.message.private', { types })}
        </Text>
        {privacy.masked && (
          <Text size="xs" c="dimmed" data-testid="pii-masked">
            {t('privacy.message.masked')}
          </Text>
        )}
        {publicPost && m.direction === 'inbound' && handoff && (
          <Button size="compact-xs" variant="light" color="orange" w="fit-content" onClick={handoff.open} data-testid="pii-handoff">
            {t('privacy.message.move')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
