import { Center, Stack, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { ButtonTo } from '../ui/links.tsx';

export function NotFound() {
  const { t } = useT();
  return (
    <Center mih="60dvh">
      <Stack align="center">
        <Text>{t('app.notFound')}</Text>
        <ButtonTo to="/">{t('app.backToInbox')}</ButtonTo>
      </Stack>
    </Center>
  );
}
