import { Badge, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../api/queries.ts';
import type { Conversation, Message } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { ButtonTo } from '../ui/links.tsx';
import { incidentRef } from './format.ts';
import { incidentKeys, incidentListQuery, incidentQuery, linkConversations, unlinkConversation } from './queries.ts';
import type { IncidentView } from './types.ts';

// What the inbox and the conversation show of an incident: a badge on the rows and in the header,
// the conversation's Link/Unlink actions, and a label on the timeline's broadcast messages.

/**
 * The incident a conversation belongs to, by id: from the active list when it is there (one
 * request for the whole inbox), else read alone (a resolved one, or one just declared).
 */
export function useIncident(id: string | null): IncidentView | null {
  const active = useQuery({ ...incidentListQuery('active'), enabled: id !== null });
  const found = id ? active.data?.find((i) => i.id === id) : undefined;
  const one = useQuery({ ...incidentQuery(id ?? ''), staleTime: 60_000, enabled: id !== null && !active.isPending && !found });
  return found ?? (id ? (one.data ?? null) : null);
}

/** "INC-7 · Fibra caída Madrid". */
const badgeText = (i: IncidentView) => `${incidentRef(i.number)} · ${i.title}`;

/** On an inbox row (itself a link, so the badge is not one). */
export function IncidentRowMark({ incidentId }: { incidentId: string | null }) {
  const { t } = useT();
  const incident = useIncident(incidentId);
  if (!incident) return null;
  return (
    <Badge
      size="xs"
      variant="light"
      color="orange"
      data-testid="row-incident"
      title={t('incidents.mark.label', { ref: incidentRef(incident.number), title: incident.title })}
      style={{ flexShrink: 1, minWidth: 0, maxWidth: '45%' }}
    >
      {badgeText(incident)}
    </Badge>
  );
}

/** In the conversation's header: the incident, linking to it. */
export function IncidentBadge({ incidentId }: { incidentId: string | null }) {
  const { t } = useT();
  const incident = useIncident(incidentId);
  if (!incident) return null;
  return (
    <ButtonTo
      to="/incidents/$incidentId"
      params={{ incidentId: incident.id }}
      size="compact-xs"
      variant="light"
      color="orange"
      radius="xl"
      data-testid="conversation-incident"
      aria-label={t('incidents.mark.label', { ref: incidentRef(incident.number), title: incident.title })}
      styles={{ root: { maxWidth: '100%', alignSelf: 'flex-start' }, label: { overflow: 'hidden', textOverflow: 'ellipsis' } }}
    >
      {badgeText(incident)}
    </ButtonTo>
  );
}

/** "Link to incident…" (choosing among the active ones) or "Unlink from incident", in the header's actions. */
export function IncidentActions({ conversation: c }: { conversation: Conversation }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [choosing, setChoosing] = useState(false);
  const current = useIncident(c.routing.incidentId);
  const settled = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.conversation(c.id) }),
      queryClient.invalidateQueries({ queryKey: keys.conversations }),
      queryClient.invalidateQueries({ queryKey: incidentKeys.all }),
    ]);
  };
  const unlink = useMutation({
    mutationFn: (incidentId: string) => unlinkConversation(incidentId, c.id),
    onSuccess: async () => {
      notifications.show({ message: t('incidents.mark.unlinked', { ref: current ? incidentRef(current.number) : '' }) });
      await settled();
    },
    onError: (err) => notifications.show({ color: 'red', message: t('app.error', { message: err.message }) }),
  });
  if (c.routing.incidentId) {
    const id = c.routing.incidentId;
    return (
      <Button size="xs" variant="default" onClick={() => unlink.mutate(id)} loading={unlink.isPending} data-testid="incident-unlink">
        {t('incidents.mark.unlink')}
      </Button>
    );
  }
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setChoosing(true)} data-testid="incident-link-open">
        {t('incidents.mark.link')}
      </Button>
      {choosing && <LinkDialog conversationId={c.id} onClose={() => setChoosing(false)} onLinked={settled} />}
    </>
  );
}

function LinkDialog({ conversationId, onClose, onLinked }: { conversationId: string; onClose(): void; onLinked(): Promise<void> }) {
  const { t } = useT();
  const active = useQuery(incidentListQuery('active'));
  const [chosen, setChosen] = useState<string | null>(null);
  const incidents = active.data ?? [];
  const link = useMutation({
    mutationFn: (incidentId: string) => linkConversations(incidentId, [conversationId]),
    onSuccess: async (_r, incidentId) => {
      const i = incidents.find((x) => x.id === incidentId);
      notifications.show({ color: 'green', message: t('incidents.mark.linkedTo', { ref: i ? incidentRef(i.number) : '' }) });
      onClose();
      await onLinked();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('incidents.mark.linkTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) link.mutate(chosen);
        }}
      >
        <Stack gap="sm">
          {active.isSuccess && incidents.length === 0 ? (
            <Text size="sm">{t('incidents.mark.noActive')}</Text>
          ) : (
            <Select
              label={t('incidents.mark.choose')}
              data={incidents.map((i) => ({ value: i.id, label: badgeText(i) }))}
              value={chosen}
              onChange={setChosen}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
              data-autofocus
            />
          )}
          {link.isError && (
            <Text size="sm" c="red" role="alert">
              {link.error.message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" disabled={!chosen} loading={link.isPending}>
              {t('incidents.mark.linkConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** A broadcast update or an automatic acknowledgement says so above its text in the timeline. */
export function IncidentMessageMark({ metadata }: { metadata: Message['metadata'] }) {
  const { t } = useT();
  const m = (metadata ?? {}) as Record<string, unknown>;
  const kind = m.broadcast ? 'broadcast' : m.incidentAck ? 'ack' : null;
  if (!kind) return null;
  return (
    <Badge color="orange" variant="light" size="sm" data-testid="message-incident">
      {t(`incidents.mark.${kind}`)}
    </Badge>
  );
}
