import { Alert, Button, Group, Loader, Modal, Paper, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { HandoffOption } from '../api/types.ts';
import { channelName, iconSource, useChannels } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';
import { createHandoff, handoffOptionsQuery } from './queries.ts';

const optionId = (o: HandoffOption) => `${o.target}:${o.channelAccountId}`;

/** A loose check before the server's own: something@something.tld. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Moving the conversation to another channel: every place it could go (web page, email, X DM,
 * WhatsApp) with how the customer would be taken there, the ones that cannot be used greyed with
 * the server's reason; for email the address (the one known, or one to type), and for a first
 * mail or DM a sentence of the agent's own. Confirming posts the handoff; the server sends the
 * invitation (or the mail or DM itself), which then shows in the timeline.
 */
export function HandoffDialog({ conversationId, onClose }: { conversationId: string; onClose(): void }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const channelOf = useChannels();
  const options = useQuery(handoffOptionsQuery(conversationId));
  const [picked, setPicked] = useState<string | null>(null);
  const [address, setAddress] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const items = options.data ?? [];
  const usable = items.filter((o) => o.available);
  const chosen = usable.find((o) => optionId(o) === picked) ?? null;
  const mail = chosen?.method === 'mail';
  const typed = (address ?? chosen?.address ?? '').trim();
  const addressProblem = mail && typed !== '' && !EMAIL.test(typed) ? t('handoff.addressInvalid') : null;
  const ready = chosen !== null && (!mail || (typed !== '' && addressProblem === null));
  const tabStop = picked ?? (usable[0] ? optionId(usable[0]) : null);
  const where = (o: HandoffOption) => {
    const info = channelOf(o.channelAccountId);
    return info.kind ? channelName(info.kind, lang) : t(`handoff.target.${o.target}`);
  };

  const send = useMutation({
    mutationFn: (o: HandoffOption) =>
      createHandoff(conversationId, {
        target: o.target,
        channelAccountId: o.channelAccountId,
        ...(o.method === 'mail' ? { address: typed } : {}),
        ...(note.trim() && (o.method === 'mail' || o.method === 'dm') ? { note: note.trim() } : {}),
      }),
    onSuccess: (handoff, o) => {
      notifications.show({
        color: 'green',
        message: t('handoff.done', { channel: where(o), account: o.accountName, what: t(`handoff.sent.${handoff.method}`) }),
      });
      for (const key of [keys.handoffs(conversationId), keys.messages(conversationId), keys.replyOptions(conversationId)]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      onClose();
    },
  });

  return (
    <Modal opened onClose={onClose} title={t('handoff.title')} size="lg" data-testid="handoff-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen && ready && !send.isPending) send.mutate(chosen);
        }}
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('handoff.intro')}
          </Text>
          {options.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
          {options.isError && (
            <Alert color="red" variant="light" role="alert">
              {t('app.error', { message: options.error.message })}
            </Alert>
          )}
          {options.isSuccess && items.length === 0 && (
            <Text size="sm" data-testid="handoff-none">
              {t('handoff.none')}
            </Text>
          )}
          {items.length > 0 && (
            <Radio.Group
              name="handoff-option"
              value={picked}
              onChange={(id) => {
                setPicked(id);
                setAddress(null);
                send.reset();
              }}
              label={t('handoff.options')}
              labelProps={{ size: 'xs' }}
            >
              <Stack gap="xs" mt={4}>
                {items.map((o) =>
                  o.available ? (
                    <Radio.Card
                      key={optionId(o)}
                      value={optionId(o)}
                      p="xs"
                      radius="sm"
                      tabIndex={optionId(o) === tabStop ? 0 : -1}
                      data-testid="handoff-option"
                    >
                      <Group gap="xs" wrap="nowrap" align="flex-start">
                        <Radio.Indicator size="xs" mt={4} />
                        <OptionSummary option={o} where={where(o)} icon={channelOf(o.channelAccountId).kind?.icon ?? null} />
                      </Group>
                    </Radio.Card>
                  ) : (
                    <Paper key={optionId(o)} withBorder p="xs" radius="sm" aria-disabled="true" data-testid="handoff-unavailable">
                      <Group gap="xs" wrap="nowrap" align="flex-start">
                        <Radio.Indicator size="xs" mt={4} disabled checked={false} />
                        <OptionSummary option={o} where={where(o)} icon={channelOf(o.channelAccountId).kind?.icon ?? null} />
                      </Group>
                    </Paper>
                  ),
                )}
              </Stack>
            </Radio.Group>
          )}
          {mail && chosen && (
            <TextInput
              label={t('handoff.address')}
              description={t('handoff.addressHint')}
              type="email"
              required
              value={address ?? chosen.address ?? ''}
              onChange={(e) => setAddress(e.currentTarget.value)}
              error={addressProblem}
              data-testid="handoff-address"
            />
          )}
          {chosen && (chosen.method === 'mail' || chosen.method === 'dm') && (
            <Textarea
              label={t('handoff.note')}
              description={t('handoff.noteHint')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              maxLength={1_000}
              autosize
              minRows={2}
              maxRows={5}
              data-testid="handoff-note"
            />
          )}
          {send.isError && (
            <Alert color="red" variant="light" role="alert" data-testid="handoff-error">
              {send.error instanceof ApiError ? send.error.message : t('app.error', { message: String(send.error) })}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" disabled={!ready} loading={send.isPending} data-testid="handoff-confirm">
              {t('handoff.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** An option in words: the channel and account, how the customer is taken there, where to, or why not. */
function OptionSummary({ option: o, where, icon }: { option: HandoffOption; where: string; icon: string | null }) {
  const { t } = useT();
  return (
    <Stack gap={2} style={{ minWidth: 0 }} opacity={o.available ? 1 : 0.6}>
      <Group gap={6} wrap="wrap">
        {icon && <img src={iconSource(icon)} alt="" width={14} height={14} />}
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {where} · {o.accountName}
        </Text>
      </Group>
      <Text size="xs" data-testid="handoff-method">
        {t(`handoff.method.${o.method}`)}
      </Text>
      {o.address && o.method !== 'mail' && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {t('handoff.to', { address: o.address })}
        </Text>
      )}
      {!o.available && o.reason && (
        <Text size="xs" c="orange.8" data-testid="handoff-reason">
          {o.reason}
        </Text>
      )}
    </Stack>
  );
}
