import { ActionIcon, Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { contactNotesQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';

/** Notes about the person (not one conversation): seen by everyone who may see the contact. */
export function ContactNotes({ contactId, me }: { contactId: string; me: Me }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const notes = useQuery(contactNotesQuery(contactId));
  const [text, setText] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: contactNotesQuery(contactId).queryKey });
  const fail = (err: Error) => notifications.show({ color: 'red', message: t('app.error', { message: err.message }) });
  const add = useMutation({
    mutationFn: async (body: string) => {
      await client.POST('/api/v1/contacts/{id}/notes', { params: { path: { id: contactId } }, body: { text: body } });
    },
    onSuccess: () => {
      setText('');
      void refresh();
    },
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: async (noteId: string) => {
      await client.DELETE('/api/v1/contacts/{id}/notes/{noteId}', { params: { path: { id: contactId, noteId } } });
    },
    onSuccess: () => void refresh(),
    onError: fail,
  });
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const mayDelete = (authorId: string | null) => me.role !== 'agent' || (authorId !== null && authorId === me.user?.id);
  return (
    <Stack gap="xs">
      <Stack gap="xs" component="ul" className="plain-list" aria-label={t('contact.notes.title')} data-testid="contact-notes">
        {(notes.data ?? []).map((n) => (
          <Paper component="li" key={n.id} withBorder p="xs" radius="sm" data-testid="contact-note">
            <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
              <Text size="sm" className="message-text" style={{ minWidth: 0 }}>
                {n.text}
              </Text>
              {mayDelete(n.author.id) && (
                <ActionIcon
                  size="sm"
                  variant="subtle"
                  color="red"
                  aria-label={t('contact.notes.delete')}
                  onClick={() => remove.mutate(n.id)}
                  loading={remove.isPending && remove.variables === n.id}
                >
                  ×
                </ActionIcon>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {t('contact.notes.by', { name: n.author.name ?? t('contact.notes.someone'), when: format.format(new Date(n.createdAt)) })}
            </Text>
          </Paper>
        ))}
        {notes.data?.length === 0 && (
          <Text size="xs" c="dimmed" component="li">
            {t('contact.notes.none')}
          </Text>
        )}
      </Stack>
      <Textarea
        size="xs"
        label={t('contact.notes.new')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={2}
        maxRows={6}
        maxLength={5000}
      />
      <Button
        size="xs"
        variant="light"
        w="fit-content"
        disabled={!text.trim()}
        loading={add.isPending}
        onClick={() => add.mutate(text.trim())}
      >
        {t('contact.notes.add')}
      </Button>
    </Stack>
  );
}
