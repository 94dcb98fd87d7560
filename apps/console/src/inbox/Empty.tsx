import { Stack, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { ButtonTo } from '../ui/links.tsx';
import type { InboxSearch, View } from './search.ts';

/** An empty list says why and what to do next. */
export function Empty({ view, search }: { view: View; search: InboxSearch }) {
  const { t } = useT();
  const filtered = Boolean(search.q || search.channel || search.tag || search.origin || (search.status && search.status !== 'open'));
  return (
    <Stack align="center" gap="sm" p="lg" data-testid="inbox-empty">
      <Text size="sm" c="dimmed" ta="center" maw={320}>
        {filtered ? t('inbox.empty.filtered') : t(`inbox.empty.${view}`)}
      </Text>
      {filtered ? (
        <ButtonTo to="/inbox/$view" params={{ view }} search={{}} size="xs" variant="light">
          {t('inbox.empty.clearFilters')}
        </ButtonTo>
      ) : view === 'mine' ? (
        <ButtonTo to="/inbox/$view" params={{ view: 'unassigned' }} size="xs" variant="light">
          {t('inbox.empty.goUnassigned')}
        </ButtonTo>
      ) : null}
    </Stack>
  );
}
