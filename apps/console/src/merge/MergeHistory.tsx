import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import type { ContactMerge } from '../api/types.ts';
import { contactQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { contactLabel } from './MergeConfirm.tsx';
import { mergesQuery, undoMerge, useMergeSettled } from './queries.ts';

/**
 * The merges this contact took part in, newest first: who went into whom, what moved, when, and
 * Undo for one that stands. The server refuses an undo while a later merge of either contact
 * stands, and says so; that sentence shows under the merge.
 */
export function MergeHistory({ contactId }: { contactId: string }) {
  const { t } = useT();
  const merges = useQuery(mergesQuery(contactId)).data ?? [];
  if (merges.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        {t('merge.history.none')}
      </Text>
    );
  }
  return (
    <Stack gap="xs" component="ul" className="plain-list" data-testid="merge-history">
      {merges.map((m) => (
        <MergeRow key={m.id} merge={m} />
      ))}
    </Stack>
  );
}

function ContactName({ id }: { id: string }) {
  const { t } = useT();
  return <>{contactLabel(useQuery(contactQuery(id)).data, t('merge.unnamed'))}</>;
}

function MergeRow({ merge: m }: { merge: ContactMerge }) {
  const { t, lang } = useT();
  const settled = useMergeSettled();
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const undo = useMutation({
    mutationFn: () => undoMerge(m.id),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('merge.history.undoneToast') });
      await settled();
    },
  });
  return (
    <Stack gap={2} component="li" data-testid="merge" data-undone={m.undoneAt !== null}>
      <Text size="xs" fw={600}>
        <ContactName id={m.sourceContactId} /> → <ContactName id={m.targetContactId} />
      </Text>
      <Text size="xs" c="dimmed">
        {t('merge.history.moved', {
          identities: t('merge.count.identities', { count: m.identities }),
          conversations: t('merge.count.conversations', { count: m.conversations }),
          when: when.format(new Date(m.createdAt)),
        })}
      </Text>
      {m.undoneAt ? (
        <Group gap={4}>
          <Badge size="xs" variant="light" color="gray" data-testid="merge-undone">
            {t('merge.history.undone', { when: when.format(new Date(m.undoneAt)) })}
          </Badge>
        </Group>
      ) : (
        <Button
          size="compact-xs"
          variant="default"
          w="fit-content"
          onClick={() => undo.mutate()}
          loading={undo.isPending}
          data-testid="merge-undo"
        >
          {t('merge.history.undo')}
        </Button>
      )}
      {undo.isError && (
        <Text size="xs" c="red" role="alert" data-testid="merge-undo-error">
          {undo.error instanceof ApiError ? undo.error.message : String(undo.error)}
        </Text>
      )}
    </Stack>
  );
}
