import { Button, Group, Modal, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { ready, TemplateNeed, useEstimate } from './BroadcastComposer.tsx';
import { EstimatePanel } from './EstimatePanel.tsx';
import { incidentRef } from './format.ts';
import { incidentKeys, resolveIncident } from './queries.ts';
import type { IncidentView } from './types.ts';
import { EMPTY_DRAFT, toInput, type UpdateDraft, UpdateFields } from './UpdateFields.tsx';

/**
 * Resolving: the closing update (the same composer; optional), how many linked conversations are
 * resolved with the incident and how many an agent kept open, and a confirmation.
 */
export function ResolveDialog({ incident: i, onClose }: { incident: IncidentView; onClose(): void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [closing, setClosing] = useState(true);
  const [draft, setDraft] = useState<UpdateDraft>({ ...EMPTY_DRAFT, text: i.statusText });
  const input = toInput(draft);
  const e = useEstimate(i.id, input);
  // The counts may not say how many are kept open; then the sentence says "except those kept open" without a number.
  const kept = i.counts?.keepOpen;
  const open = i.counts?.open ?? 0;
  const resolve = useMutation({
    mutationFn: () => resolveIncident(i.id, closing ? input : null),
    onSuccess: async () => {
      notifications.show({ color: 'green', message: t('incidents.resolve.done', { ref: incidentRef(i.number) }) });
      onClose();
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: incidentKeys.all }),
        queryClient.invalidateQueries({ queryKey: keys.conversations }),
        queryClient.invalidateQueries({ queryKey: ['conversation'] }),
      ]);
    },
  });
  // A closing update goes like any other: estimated first, with a template where windows are shut.
  const canResolve = !closing || ready(input, e);
  return (
    <Modal opened onClose={onClose} size="lg" title={t('incidents.resolve.title', { ref: incidentRef(i.number) })}>
      <Stack gap="sm">
        <Text size="sm" data-testid="resolve-closes">
          {kept === undefined
            ? t('incidents.resolve.closesExcept', { count: open })
            : `${t('incidents.resolve.closes', { count: Math.max(0, open - kept) })}${kept > 0 ? ` ${t('incidents.resolve.kept', { count: kept })}` : ''}`}
        </Text>
        <Switch label={t('incidents.resolve.closing')} checked={closing} onChange={(ev) => setClosing(ev.currentTarget.checked)} />
        {closing && (
          <>
            <UpdateFields draft={draft} onChange={setDraft} />
            <TemplateNeed incident={i} draft={draft} onDraft={setDraft} />
            {e.estimate && <EstimatePanel estimate={e.estimate} />}
            {e.estimate && !e.fresh && (
              <Text size="xs" c="orange.8" role="status">
                {t('incidents.composer.stale')}
              </Text>
            )}
            {e.run.isError && (
              <Text size="sm" c="red" role="alert">
                {e.run.error.message}
              </Text>
            )}
          </>
        )}
        {resolve.isError && (
          <Text size="sm" c="red" role="alert">
            {resolve.error.message}
          </Text>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t('app.cancel')}
          </Button>
          {closing && (
            <Button variant="default" onClick={() => e.run.mutate()} loading={e.run.isPending} disabled={!input.text}>
              {t('incidents.composer.estimate')}
            </Button>
          )}
          <Button color="green" onClick={() => resolve.mutate()} loading={resolve.isPending} disabled={!canResolve}>
            {t('incidents.resolve.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
