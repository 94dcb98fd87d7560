import { Alert, Button, Loader, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { type Contact, contactQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { contactLabel, MergeSummary } from './MergeConfirm.tsx';
import { mergeContacts, searchContacts, useMergeSettled } from './queries.ts';

/**
 * "Merge with…": another contact found by name or address is merged into this one (the one the
 * panel shows stays): search, pick, read what moves, confirm. For the pairs no suggestion found.
 */
export function MergeWith({ contact }: { contact: Contact }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="compact-xs" variant="default" onClick={() => setOpen(true)} data-testid="merge-with">
        {t('merge.with.action')}
      </Button>
      {open && <MergeWithDialog contact={contact} onClose={() => setOpen(false)} />}
    </>
  );
}

function MergeWithDialog({ contact, onClose }: { contact: Contact; onClose(): void }) {
  const { t } = useT();
  const settled = useMergeSettled();
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const [picked, setPicked] = useState<string | null>(null);
  const found = useQuery({
    queryKey: ['contact-search', contact.id, query] as const,
    queryFn: () => searchContacts(query, contact.id),
    enabled: query.length >= 2,
    staleTime: 10_000,
  });
  const source = useQuery({ ...contactQuery(picked ?? ''), enabled: picked !== null }).data;
  const name = contactLabel(contact, t('merge.unnamed'));
  const merge = useMutation({
    mutationFn: (sourceId: string) => mergeContacts(contact.id, sourceId),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('merge.merged', { name }) });
      onClose();
      await settled();
    },
  });
  const results = found.data ?? [];
  return (
    <Modal opened onClose={onClose} title={t('merge.with.title', { name })}>
      <Stack gap="sm">
        <TextInput
          label={t('merge.with.search')}
          description={t('merge.with.searchHint')}
          value={q}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            setPicked(null);
          }}
          data-autofocus
          data-testid="merge-search"
        />
        {found.isFetching && <Loader size="xs" aria-label={t('app.loading')} />}
        {query.length >= 2 && found.isSuccess && results.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('merge.with.none')}
          </Text>
        )}
        {results.length > 0 && (
          <Radio.Group value={picked} onChange={setPicked} label={t('merge.with.results')} labelProps={{ size: 'xs' }}>
            <Stack gap={4} mt={4}>
              {results.map((r) => (
                <Radio
                  key={r.id}
                  value={r.id}
                  label={r.name ?? r.handle ?? t('merge.unnamed')}
                  description={r.name && r.handle ? r.handle : undefined}
                  data-testid="merge-result"
                />
              ))}
            </Stack>
          </Radio.Group>
        )}
        {picked && source && <MergeSummary source={source} target={contact} folds={false} />}
        {merge.isError && (
          <Alert color="red" variant="light" role="alert" data-testid="merge-error">
            {merge.error instanceof ApiError ? merge.error.message : String(merge.error)}
          </Alert>
        )}
        <Button
          onClick={() => picked && merge.mutate(picked)}
          disabled={!picked || !source}
          loading={merge.isPending}
          data-testid="merge-confirm"
          style={{ alignSelf: 'flex-end' }}
        >
          {t('merge.with.confirm', { name })}
        </Button>
      </Stack>
    </Modal>
  );
}
