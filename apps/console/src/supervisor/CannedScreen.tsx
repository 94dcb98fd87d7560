import { ActionIcon, Button, Card, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, client, data } from '../api/client.ts';
import { keys, meQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { EditIcon, TrashIcon } from '../ui/icons.tsx';
import { Screen } from '../ui/Screen.tsx';
import './strings.ts';
import { ConfirmDeleteModal, FormModal } from '../ui/dialogs.tsx';

/** A canned response as GET /canned-responses lists it (the route selects these three columns). */
interface Canned {
  id: string;
  shortcut: string;
  text: string;
}

const cannedList = (q: string) =>
  queryOptions({
    queryKey: [...keys.cannedResponses, q] as const,
    queryFn: async () =>
      (await data<{ items: Canned[] }>(client.GET('/api/v1/canned-responses', { params: { query: q ? { q } : {} } }))).items,
    placeholderData: keepPreviousData,
  });

/**
 * The workspace's canned responses: everyone can search and read them; supervisors and admins
 * add, edit and delete (the server refuses agents the same).
 */
export function CannedScreen() {
  const { t } = useT();
  const me = useSuspenseQuery(meQuery).data;
  const manage = me.role !== 'agent';
  const [q, setQ] = useState('');
  const [typed] = useDebouncedValue(q.trim(), 200);
  const list = useQuery(cannedList(typed));
  const [editing, setEditing] = useState<Canned | 'new' | null>(null);
  const items = list.data ?? [];
  return (
    <Screen
      title={t('supervisor.canned.title')}
      actions={
        manage && (
          <Button onClick={() => setEditing('new')} size="sm">
            {t('supervisor.canned.add')}
          </Button>
        )
      }
    >
      <Text c="dimmed" size="sm">
        {manage ? t('supervisor.canned.caption') : t('supervisor.canned.readOnly')}
      </Text>
      <TextInput type="search" label={t('supervisor.canned.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
      {list.isSuccess && items.length === 0 && (
        <Text size="sm">
          {typed ? t('supervisor.canned.noMatch', { q: typed }) : manage ? t('supervisor.canned.emptyAdd') : t('supervisor.canned.empty')}
        </Text>
      )}
      <Stack gap="xs" data-testid="canned-list">
        {items.map((c) => (
          <CannedCard key={c.id} canned={c} manage={manage} onEdit={() => setEditing(c)} />
        ))}
      </Stack>
      {editing && <CannedEditor canned={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Screen>
  );
}

function CannedCard({ canned: c, manage, onEdit }: { canned: Canned; manage: boolean; onEdit: () => void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [confirming, { open, close }] = useDisclosure(false);
  const remove = useMutation({
    mutationFn: () => data(client.DELETE('/api/v1/canned-responses/{id}', { params: { path: { id: c.id } } })),
    onSuccess: () => {
      close();
      notifications.show({ message: t('supervisor.canned.deleted', { shortcut: c.shortcut }) });
      void queryClient.invalidateQueries({ queryKey: keys.cannedResponses });
    },
  });
  return (
    <Card withBorder padding="sm" data-testid="canned-response" aria-label={`/${c.shortcut}`}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} ff="monospace">
            /{c.shortcut}
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {c.text}
          </Text>
        </div>
        {manage && (
          <Group gap={4} wrap="nowrap">
            <ActionIcon variant="subtle" onClick={onEdit} aria-label={t('supervisor.canned.editOf', { shortcut: c.shortcut })}>
              <EditIcon />
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" onClick={open} aria-label={t('supervisor.canned.deleteOf', { shortcut: c.shortcut })}>
              <TrashIcon />
            </ActionIcon>
          </Group>
        )}
      </Group>
      <ConfirmDeleteModal
        opened={confirming}
        onClose={close}
        title={t('supervisor.canned.deleteOf', { shortcut: c.shortcut })}
        message={t('supervisor.canned.confirmDelete', { shortcut: c.shortcut })}
        pending={remove.isPending}
        onConfirm={() => remove.mutate()}
      />
    </Card>
  );
}

function CannedEditor({ canned, onClose }: { canned: Canned | null; onClose: () => void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [shortcut, setShortcut] = useState(canned?.shortcut ?? '');
  const [text, setText] = useState(canned?.text ?? '');
  const save = useMutation({
    mutationFn: async () => {
      const body = { shortcut: shortcut.trim().replace(/^\//, ''), text };
      return canned
        ? data(client.PATCH('/api/v1/canned-responses/{id}', { params: { path: { id: canned.id } }, body }))
        : data(client.POST('/api/v1/canned-responses', { body }));
    },
    onSuccess: () => {
      notifications.show({ message: t('supervisor.canned.saved', { shortcut: shortcut.replace(/^\//, '') }) });
      void queryClient.invalidateQueries({ queryKey: keys.cannedResponses });
      onClose();
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const fieldError = (field: string) =>
    error?.details.find((d) => d.field === field)?.message ??
    (error?.code === 'conflict' && field === 'shortcut' ? error.message : undefined);
  return (
    <FormModal
      title={canned ? t('supervisor.canned.editTitle', { shortcut: canned.shortcut }) : t('supervisor.canned.newTitle')}
      onClose={onClose}
      onSubmit={() => save.mutate()}
      pending={save.isPending}
    >
      <TextInput
        label={t('supervisor.canned.shortcut')}
        description={t('supervisor.canned.shortcutHelp')}
        leftSection="/"
        value={shortcut}
        onChange={(e) => setShortcut(e.currentTarget.value.toLowerCase())}
        error={fieldError('shortcut')}
        required
        data-autofocus
      />
      <Textarea
        label={t('supervisor.canned.text')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={4}
        maxRows={12}
        error={fieldError('text')}
        required
      />
      {error && !fieldError('shortcut') && !fieldError('text') && (
        <Text c="red" size="sm" role="alert">
          {error.message}
        </Text>
      )}
    </FormModal>
  );
}
