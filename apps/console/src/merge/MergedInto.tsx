import { Alert, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { contactQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { contactLabel } from './MergeConfirm.tsx';

/**
 * A contact that was merged away: into whom, with a way to the contact that now holds its
 * identities and conversations (their latest conversation, since contacts have no page of their own).
 */
export function MergedInto({ targetId }: { targetId: string }) {
  const { t } = useT();
  const target = useQuery(contactQuery(targetId)).data;
  const name = contactLabel(target, t('merge.unnamed'));
  const latest = target?.conversations[0];
  return (
    <Alert color="gray" variant="light" p="xs" data-testid="merged-into">
      <Text size="xs">{t('merge.mergedInto', { name })}</Text>
      {latest && (
        <AnchorTo to="/inbox/$view/$conversationId" params={{ view: 'all', conversationId: latest.id }} size="xs">
          {t('merge.openTarget', { name })}
        </AnchorTo>
      )}
    </Alert>
  );
}
