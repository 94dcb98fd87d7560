import { Button, Card, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { channelKindsQuery } from '../api/queries.ts';
import type { ChannelAccount } from '../api/types.ts';
import { channelAccountsQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { costLines, EstimatePanel, minutesText, sendMinutes } from './EstimatePanel.tsx';
import { formatMoney } from './format.ts';
import { estimateBroadcast, incidentKeys, startBroadcast } from './queries.ts';
import { TemplateChooser } from './TemplateChooser.tsx';
import type { BroadcastEstimate, BroadcastInput, IncidentView } from './types.ts';
import { EMPTY_DRAFT, toInput, type UpdateDraft, UpdateFields } from './UpdateFields.tsx';

/**
 * The estimate of an update as written now: asked for on request, and stale (Send is off) as soon
 * as what it was made for changes, since recipients, templates and cost follow the text and the
 * template (without one, closed WhatsApp windows are left out).
 */
export function useEstimate(incidentId: string, input: BroadcastInput) {
  const [made, setMade] = useState<{ key: string; estimate: BroadcastEstimate } | null>(null);
  const key = JSON.stringify(input);
  const run = useMutation({
    mutationFn: () => estimateBroadcast(incidentId, input),
    onSuccess: (estimate) => setMade({ key, estimate }),
  });
  const estimate = made?.estimate ?? null;
  const fresh = made !== null && made.key === key;
  return { estimate, fresh, run, reset: () => setMade(null) };
}

/** Whether the update can go: a text, and an estimate of exactly that update (its numbers are what Send confirms). */
export function ready(input: BroadcastInput, e: { estimate: BroadcastEstimate | null; fresh: boolean }): boolean {
  return input.text.length > 0 && e.fresh && e.estimate !== null;
}

/** The incident's accounts whose replies have a window (WhatsApp): a conversation whose window closed takes only a template there. */
function useWindowedAccounts(incident: IncidentView): ChannelAccount[] {
  const list = useQuery(channelAccountsQuery);
  const accounts = list.data ?? [];
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const linked = new Set(Object.keys(incident.counts?.byChannel ?? {}));
  // The accounts are cached for minutes: one added since (its conversations now linked) is read again.
  const missing = list.isSuccess && [...linked].some((k) => k !== 'unknown' && !accounts.some((a) => a.kind === k));
  const { refetch } = list;
  useEffect(() => {
    if (missing) void refetch();
  }, [missing, refetch]);
  return accounts.filter((a) => {
    const caps = a.capabilities ?? kinds.find((k) => k.kind === a.kind)?.capabilities;
    return a.active && linked.has(a.kind) && (caps?.replyWindowHours ?? null) !== null;
  });
}

/**
 * Where the incident has conversations on a windowed channel, the template those outside their
 * window get (one for every such account: the server takes one); without it they are left out,
 * as the estimate says. How many got it shows in the estimate's Templates column.
 */
export function TemplateNeed({ incident, draft, onDraft }: { incident: IncidentView; draft: UpdateDraft; onDraft(d: UpdateDraft): void }) {
  const { t } = useT();
  const first = useWindowedAccounts(incident)[0];
  if (!first) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600} c="orange.8">
        {t('incidents.composer.templateOffer', { account: first.name })}
      </Text>
      <TemplateChooser accountId={first.id} onChoice={(template) => onDraft({ ...draft, template })} />
    </Stack>
  );
}

/**
 * An update to every linked conversation on its own channel: the text (and other wordings), the
 * estimate (recipients per channel, who is left out and why, cost, how long the rate limits make
 * it take), the template for closed WhatsApp windows, and Send, which asks first with the numbers.
 */
export function BroadcastComposer({ incident: i }: { incident: IncidentView }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<UpdateDraft>({ ...EMPTY_DRAFT, text: i.statusText });
  const [confirming, setConfirming] = useState(false);
  const input = toInput(draft);
  const e = useEstimate(i.id, input);
  const send = useMutation({
    mutationFn: () => startBroadcast(i.id, input),
    onSuccess: async (b) => {
      setConfirming(false);
      notifications.show({
        color: 'green',
        message: t('incidents.progress.started', { count: b.totals?.recipients ?? e.estimate?.recipients ?? 0 }),
      });
      setDraft({ ...EMPTY_DRAFT, text: i.statusText });
      e.reset();
      await queryClient.invalidateQueries({ queryKey: incidentKeys.broadcasts(i.id) });
    },
  });
  const est = e.estimate;
  const cost = costLines(est?.costMicros);
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="incident-composer-title">
      <Stack gap="sm">
        <Title order={2} size="h5" id="incident-composer-title">
          {t('incidents.composer.title')}
        </Title>
        <UpdateFields draft={draft} onChange={setDraft} />
        <TemplateNeed incident={i} draft={draft} onDraft={setDraft} />
        {est && <EstimatePanel estimate={est} />}
        {est && !e.fresh && (
          <Text size="xs" c="orange.8" role="status">
            {t('incidents.composer.stale')}
          </Text>
        )}
        {e.run.isError && (
          <Text size="sm" c="red" role="alert">
            {e.run.error.message}
          </Text>
        )}
        <Group gap="xs" justify="flex-end">
          {!est && (
            <Text size="xs" c="dimmed" style={{ flex: 1 }}>
              {t('incidents.composer.estimateFirst')}
            </Text>
          )}
          <Button variant="default" onClick={() => e.run.mutate()} loading={e.run.isPending} disabled={!input.text}>
            {t('incidents.composer.estimate')}
          </Button>
          <Button onClick={() => setConfirming(true)} disabled={!ready(input, e)}>
            {t('incidents.composer.send')}
          </Button>
        </Group>
      </Stack>
      {confirming && est && (
        <Modal opened onClose={() => setConfirming(false)} title={t('incidents.confirm.title')}>
          <Stack gap="sm">
            <Text size="sm" data-testid="confirm-numbers">
              {t('incidents.confirm.body', { count: est.recipients, channels: est.byChannel.length })}
            </Text>
            <Text size="sm">
              {cost.length
                ? t('incidents.confirm.cost', { cost: cost.map((l) => formatMoney(l.costMicros, l.currency, lang)).join(' + ') })
                : t('incidents.estimate.noCost')}{' '}
              {t('incidents.confirm.time', { time: minutesText(sendMinutes(est), t, true) })}
            </Text>
            {send.isError && (
              <Text size="sm" c="red" role="alert">
                {send.error.message}
              </Text>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t('app.cancel')}
              </Button>
              <Button onClick={() => send.mutate()} loading={send.isPending} data-autofocus>
                {t('incidents.confirm.send', { count: est.recipients })}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Card>
  );
}
