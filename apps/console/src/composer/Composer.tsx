import { Alert, Button, Checkbox, Group, Kbd, Paper, SegmentedControl, Select, Stack, Text, Textarea } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ApiError, client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Conversation, Me, Message, Visibility } from '../api/types.ts';
import { focusList } from '../attention/focus.ts';
import { type ChannelInfo, channelMessage, channelName, textLimitFor, visibilityLabel } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';
import { AttachButton, MAX_FILES, UploadList, useUploads } from './Attachments.tsx';
import { CannedCombobox, slashQuery } from './CannedCombobox.tsx';
import { ChannelRules } from './ChannelRules.tsx';
import { ColleagueWarning } from './ColleagueWarning.tsx';
import { measureText } from './counting.ts';
import { draftSettled, useDraft } from './draft.ts';
import { ReplyRefusal } from './ReplyRefusal.tsx';
import { refusedAlternatives, useReplyOptions } from './replies.ts';

interface Props {
  conversation: Conversation;
  channel: ChannelInfo;
  me: Me;
  /** The colleague holding the conversation, when it is not the signed-in agent. */
  colleague: string | null;
}

/**
 * Reply or internal note. It knows the channel's limit before sending (a live counter; a text
 * over the limit is held unless the channel can split it and the agent asks to), inserts canned
 * responses from a "/" suggestion list, adds the signature on request and keeps a draft on the
 * server. A reply the channel refuses now (X's tier) shows why and what to do instead, with Send
 * off; it starts as the customer last wrote (a DM answered as a DM). Where the channel takes attachments, files go up as they are picked and are sent with
 * the message; the draft keeps only the text. Ctrl/Cmd+Enter sends; Escape goes back to the list.
 */
export function Composer({ conversation, channel, me, colleague }: Props) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const caps = channel.capabilities;
  const visibilities = caps?.visibilities ?? ['private'];
  const { draft, ready, save, sent } = useDraft(conversation.id);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const replies = useReplyOptions(conversation.id);
  // Null until the agent (or their draft) picks one: until then the way the customer last wrote
  // (an answer to a DM goes as a DM), once the server has said it, else the channel's first.
  const [chosen, setChosen] = useState<Visibility | null>(null);
  const fallback = replies.data?.defaultVisibility ?? visibilities[0] ?? 'private';
  const visibility: Visibility = chosen && visibilities.includes(chosen) ? chosen : visibilities.includes(fallback) ? fallback : 'private';
  const [split, setSplit] = useState(false);
  const signatureText = me.user?.signature ?? null;
  const [signature, setSignature] = useState(Boolean(signatureText));
  const [slash, setSlash] = useState<{ start: number; q: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const canAttach = caps?.attachments === true;
  const uploadLimit = me.limits.uploadMaxBytes;
  const files = useUploads(uploadLimit);
  const restored = useRef(false);

  // The saved draft comes back once, when it has loaded, unless the agent already typed.
  useEffect(() => {
    if (!ready || restored.current) return;
    restored.current = true;
    if (draft && text === '') {
      setText(draft.text);
      setMode(draft.kind);
      if (draft.visibility) setChosen(draft.visibility);
      setSplit(draft.allowSplit);
    }
  }, [ready, draft, text]);

  const change = (next: Partial<{ text: string; mode: 'reply' | 'note'; visibility: Visibility; split: boolean }>) => {
    const d = {
      text: next.text ?? text,
      kind: next.mode ?? mode,
      visibility: next.visibility ?? visibility,
      allowSplit: next.split ?? split,
    };
    setText(d.text);
    setMode(d.kind);
    if (next.visibility) setChosen(next.visibility);
    setSplit(d.allowSplit);
    save(d);
  };

  const reply = mode === 'reply';
  const full = reply && signature && signatureText ? `${text.trimEnd()}\n\n${signatureText}` : text;
  const limit = reply && caps ? textLimitFor(caps, visibility) : null;
  // Counted the channel's way (X: a link is 23, an emoji 2), as its adapter describes it.
  const length = measureText(full, channel.kind?.textCounting);
  const over = limit !== null && length > limit;
  const canSplit = over && caps?.splitLongText === true;
  const attachmentIds = canAttach ? files.ids : [];
  // What the channel refuses now (X's tier), with what to do instead: Send stays off.
  const decision = reply ? replies.option(visibility)?.decision : undefined;
  const refusal = decision && !decision.allowed ? decision : null;
  const blocked =
    text.trim().length === 0 ||
    (over && !(canSplit && split)) ||
    (canAttach && files.uploading) ||
    refusal !== null ||
    (reply && replies.pending);

  const post = async () => {
    setBusy(true);
    setError(null);
    try {
      await draftSettled(conversation.id);
      const res = await data<{ message: Message }>(
        client.POST('/api/v1/conversations/{id}/messages', {
          params: { path: { id: conversation.id } },
          body: {
            kind: mode,
            text: full,
            ...(reply ? { visibility, allowSplit: canSplit && split } : {}),
            ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
          },
        }),
      );
      sent();
      queryClient.setQueryData<{ items: Message[] }>(keys.messages(conversation.id), (old) =>
        old && !old.items.some((m) => m.id === res.message.id) ? { ...old, items: [...old.items, res.message] } : old,
      );
      setText('');
      setSplit(false);
      files.clear();
      box.current?.focus();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      // Refused by the channel since the options were read: read them again to offer the alternatives.
      if (refusedAlternatives(err)) void replies.refresh();
    } finally {
      setBusy(false);
    }
  };

  const send = () => {
    if (blocked || busy) return;
    // Replying in a colleague's conversation is a step the agent takes on purpose; a note is not a reply.
    if (reply && colleague) setConfirming(true);
    else void post();
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && slash === null) {
      e.preventDefault();
      box.current?.blur();
      focusList();
    }
  };

  const onText = (value: string, caret: number) => {
    change({ text: value });
    setSlash(slashQuery(value, caret));
  };

  const insertCanned = (canned: string) => {
    if (!slash) return;
    const caret = slash.start + 1 + slash.q.length;
    const next = text.slice(0, slash.start) + canned + text.slice(caret);
    change({ text: next });
    setSlash(null);
    requestAnimationFrame(() => {
      const at = slash.start + canned.length;
      box.current?.setSelectionRange(at, at);
      box.current?.focus();
    });
  };

  const modeLabel = reply ? t('conversation.composer.replyLabel') : t('conversation.composer.noteLabel');
  return (
    <Paper
      component="form"
      withBorder
      p="sm"
      radius="md"
      className="composer"
      data-mode={mode}
      bg={reply ? undefined : 'var(--mantine-color-yellow-light)'}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap">
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => change({ mode: v as 'reply' | 'note' })}
            data={[
              { value: 'reply', label: t('conversation.composer.reply') },
              { value: 'note', label: t('conversation.composer.note') },
            ]}
            aria-label={t('conversation.composer.mode')}
          />
          {reply && visibilities.length > 1 && (
            <Select
              size="xs"
              w={180}
              aria-label={t('conversation.composer.visibility')}
              value={visibility}
              allowDeselect={false}
              onChange={(v) => v && change({ visibility: v as Visibility })}
              data={visibilities.map((v) => ({ value: v, label: visibilityLabel(channel, v, lang, t(`visibility.${v}`)) }))}
              comboboxProps={{ withinPortal: true }}
            />
          )}
        </Group>
        {reply && <ChannelRules channel={channel} visibility={visibility} />}
        {refusal && (
          <ReplyRefusal
            channel={channel}
            visibility={visibility}
            reason={channelMessage(channel.kind, refusal.code, lang) ?? refusal.reason}
            alternatives={refusal.alternatives}
            onVisibility={(v) => {
              setError(null);
              change({ visibility: v });
            }}
          />
        )}
        <CannedCombobox query={slash?.q ?? null} onPick={insertCanned} onDismiss={() => setSlash(null)}>
          <Textarea
            ref={box}
            aria-label={modeLabel}
            placeholder={reply ? t('conversation.composer.placeholder') : t('conversation.composer.notePlaceholder')}
            value={text}
            onChange={(e) => onText(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
            onKeyDown={onKey}
            autosize
            minRows={3}
            maxRows={12}
            error={over ? t('conversation.composer.tooLong', { limit }) : undefined}
            aria-describedby="composer-counter"
            data-testid="composer"
          />
        </CannedCombobox>
        {canAttach && <UploadList uploads={files.uploads} onRemove={files.remove} />}
        <Group gap="sm" wrap="wrap" justify="space-between">
          <Group gap="sm" wrap="wrap">
            <Text size="xs" id="composer-counter" c={over ? 'red' : 'dimmed'} data-testid="counter" aria-live="polite">
              {limit !== null
                ? t('conversation.composer.counter', { length: length.toLocaleString(lang), limit: limit.toLocaleString(lang) })
                : t('conversation.composer.characters', { count: length })}
            </Text>
            {canAttach && <AttachButton onPick={files.add} disabled={files.uploads.length >= MAX_FILES} limit={uploadLimit} />}
            {canSplit && (
              <Checkbox
                size="xs"
                label={t('conversation.composer.split', { count: Math.ceil(length / (limit || 1)) })}
                checked={split}
                onChange={(e) => change({ split: e.currentTarget.checked })}
                data-testid="split"
              />
            )}
            {reply && signatureText && (
              <Checkbox
                size="xs"
                label={t('conversation.composer.signature')}
                checked={signature}
                onChange={(e) => setSignature(e.currentTarget.checked)}
              />
            )}
          </Group>
          <Group gap="xs">
            <Text size="xs" c="dimmed" visibleFrom="sm">
              <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd>
            </Text>
            <Button type="submit" size="xs" disabled={blocked} loading={busy} data-testid="send" color={reply ? undefined : 'yellow'}>
              {reply ? t('conversation.composer.send') : t('conversation.composer.addNote')}
            </Button>
          </Group>
        </Group>
        {error && error !== refusal?.reason && (
          <Alert color="red" variant="light" p="xs" role="alert" data-testid="composer-error">
            {error}
          </Alert>
        )}
      </Stack>
      <ColleagueWarning
        name={colleague}
        opened={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void post();
        }}
        channel={channel.kind ? channelName(channel.kind, lang) : null}
      />
    </Paper>
  );
}
