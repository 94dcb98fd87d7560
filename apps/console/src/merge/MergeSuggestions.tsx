import { Blockquote, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { MergeSuggestion } from '../api/types.ts';
import { Section } from '../contact/Section.tsx';
import { useT } from '../i18n/index.tsx';
import { useLiveEvents } from '../live/live.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { MergeConfirm } from './MergeConfirm.tsx';
import { acceptSuggestion, dismissSuggestion, suggestionsQuery, useMergeSettled } from './queries.ts';

/**
 * In the contact panel: other contacts who may be the same person, each with why (a phone number
 * or address the other has proven, a handoff reference used from elsewhere), the evidence quoted
 * with links to its conversations, and the decision, which is a person's: Merge (after saying
 * what moves) or Not the same person (never suggested again for that reason).
 */
export function MergeSuggestions({ contactId }: { contactId: string }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const list = useQuery(suggestionsQuery(contactId)).data ?? [];
  // The detector suggests after a message is stored, and says so as an update of its conversation.
  useLiveEvents((e) => {
    if (e.type === 'conversation' && e.conversation.contactId === contactId) {
      void queryClient.invalidateQueries({ queryKey: keys.mergeSuggestions(contactId) });
    }
  });
  if (list.length === 0) return null;
  return (
    <Section title={t('merge.suggestions.title')}>
      <Stack gap="xs" component="ul" className="plain-list" data-testid="merge-suggestions">
        {list.map((s) => (
          <Suggestion key={s.id} suggestion={s} contactId={contactId} />
        ))}
      </Stack>
    </Section>
  );
}

function Suggestion({ suggestion: s, contactId }: { suggestion: MergeSuggestion; contactId: string }) {
  const { t } = useT();
  const settled = useMergeSettled();
  const [confirming, setConfirming] = useState(false);
  const other = s.contact.id === contactId ? s.other : s.contact;
  const name = other.name ?? t('merge.unnamed');
  const accept = useMutation({
    mutationFn: () => acceptSuggestion(s.id),
    onSuccess: async () => {
      setConfirming(false);
      notifications.show({ color: 'green', message: t('merge.accepted', { name }) });
      await settled();
    },
  });
  const dismiss = useMutation({
    mutationFn: () => dismissSuggestion(s.id),
    onSuccess: async () => {
      notifications.show({ message: t('merge.dismissed', { name }) });
      await settled();
    },
  });
  const links = conversationLinks(s);
  return (
    <Paper component="li" withBorder p="xs" radius="sm" data-testid="merge-suggestion">
      <Stack gap={6}>
        <Text size="sm" fw={600} data-testid="merge-other">
          {t('merge.suggestions.with', { name })}
        </Text>
        <Text size="xs" data-testid="merge-reason">
          {t(`merge.reason.${s.reason}`)}
        </Text>
        {s.evidence.map((e) => (
          <Blockquote
            key={`${e.kind}:${e.messageId ?? ''}:${e.text}`}
            p={6}
            radius="sm"
            iconSize={0}
            className="break-anywhere"
            data-testid="merge-evidence"
          >
            <Text size="xs">{e.text}</Text>
          </Blockquote>
        ))}
        {links.length > 0 && (
          <Group gap="xs" wrap="wrap">
            {links.map((l) => (
              <AnchorTo key={l.id} to="/inbox/$view/$conversationId" params={{ view: 'all', conversationId: l.id }} size="xs">
                {t(`merge.suggestions.link.${l.kind}`)}
              </AnchorTo>
            ))}
          </Group>
        )}
        {dismiss.isError && (
          <Text size="xs" c="red" role="alert">
            {dismiss.error instanceof ApiError ? dismiss.error.message : String(dismiss.error)}
          </Text>
        )}
        <Group gap="xs" wrap="wrap">
          <Button size="compact-xs" onClick={() => setConfirming(true)} data-testid="merge-accept">
            {t('merge.suggestions.accept')}
          </Button>
          <Button
            size="compact-xs"
            variant="default"
            onClick={() => dismiss.mutate()}
            loading={dismiss.isPending}
            data-testid="merge-dismiss"
          >
            {t('merge.suggestions.dismiss')}
          </Button>
        </Group>
      </Stack>
      {confirming && (
        // The server keeps the older contact and merges the newer into it; the dialog says which.
        <MergeConfirm
          contacts={[contactId, other.id]}
          into="older"
          folds={s.joinConversationId !== null}
          pending={accept.isPending}
          error={accept.error}
          onConfirm={() => accept.mutate()}
          onClose={() => {
            setConfirming(false);
            accept.reset();
          }}
        />
      )}
    </Paper>
  );
}

/** The conversations the evidence points at, each once: where the message was, where the handoff began, the new one. */
function conversationLinks(s: MergeSuggestion): { id: string; kind: 'evidence' | 'handoff' | 'joined' }[] {
  const out = new Map<string, 'evidence' | 'handoff' | 'joined'>();
  if (s.conversationId) out.set(s.conversationId, 'handoff');
  if (s.joinConversationId && !out.has(s.joinConversationId)) out.set(s.joinConversationId, 'joined');
  for (const e of s.evidence) if (e.conversationId && !out.has(e.conversationId)) out.set(e.conversationId, 'evidence');
  return [...out].map(([id, kind]) => ({ id, kind }));
}
