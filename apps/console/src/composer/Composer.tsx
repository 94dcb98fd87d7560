import { Alert, Checkbox, Loader, Paper, Stack, Text, Textarea } from '@mantine/core';
import { type KeyboardEvent, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.ts';
import type { Conversation, Me, Visibility } from '../api/types.ts';
import { focusList } from '../attention/focus.ts';
import { type ChannelInfo, channelMessage, channelName, textLimitFor, useChannels } from '../conversation/channel.tsx';
import { type Quote, QuotedMessage } from '../conversation/QuotedMessage.tsx';
import { useT } from '../i18n/index.tsx';
import { ComposerPrivacy } from '../privacy/ComposerPrivacy.tsx';
import { privacyRefusal, usePrivacyScan } from '../privacy/scan.ts';
import { AttachButton, MAX_FILES, UploadList, useUploads } from './Attachments.tsx';
import { CannedCombobox, useSlash } from './CannedCombobox.tsx';
import { ChannelRules } from './ChannelRules.tsx';
import { ColleagueWarning } from './ColleagueWarning.tsx';
import { measureText } from './counting.ts';
import { useDraft } from './draft.ts';
import { type ComposerMode, ModeBar } from './ModeBar.tsx';
import { ReplyChannelPicker } from './ReplyChannelPicker.tsx';
import { ReplyRefusal } from './ReplyRefusal.tsx';
import { ReplyWindow } from './ReplyWindow.tsx';
import { refusedAlternatives, useReplyOptions, WINDOW_CODES } from './replies.ts';
import { SendRow } from './SendRow.tsx';
import { type MessageBody, usePostMessage } from './send.ts';
import { useReplyWindow } from './window.ts';

// Only channels with templates (WhatsApp) load the picker, and only when it is shown.
const TemplateReply = lazy(() => import('./templates/TemplateReply.tsx'));

interface Props {
  conversation: Conversation;
  /** The conversation's own channel, until the reply options say which account a reply goes out on. */
  channel: ChannelInfo;
  me: Me;
  /** The colleague holding the conversation, when it is not the signed-in agent. */
  colleague: string | null;
  /** The customer message the next reply quotes (channels with `quotes`), chosen in the timeline. */
  quote: Quote | null;
  onDropQuote(): void;
}

/**
 * Reply or internal note. It knows the channel's limit before sending (a live counter; a text
 * over the limit is held unless the channel can split it and the agent asks to), inserts canned
 * responses from a "/" suggestion list, adds the signature on request and keeps a draft on the
 * server. A reply the channel refuses now (X's tier) shows why and what to do instead, with Send
 * off; it starts as the customer last wrote (a DM answered as a DM). Where the channel has a reply
 * window (WhatsApp), Send says how long it stays open, and once it has closed (or when the agent
 * asks) the reply is one of the account's templates. Where the channel takes attachments, files go
 * up as they are picked and are sent with the message; the draft keeps only the text. Where the
 * channel quotes (WhatsApp), a message quoted from the timeline shows above the text until the reply
 * carrying it is sent or the agent drops it. Where the conversation spans channels, the reply goes
 * out where the customer wrote last unless the agent picks another account, whose own limits then
 * apply. A public reply is scanned for personal data as it is written, and the privacy guard's
 * refusal shows like the channel's.
 * Ctrl/Cmd+Enter sends; Escape goes back to the list.
 */
export function Composer({ conversation, channel: own, me, colleague, quote, onDropQuote }: Props) {
  const { t, lang } = useT();
  // The account the agent picked to reply on; null for the server's default, the customer's latest.
  const [account, setAccount] = useState<string | null>(null);
  const replies = useReplyOptions(conversation.id, account);
  const replyAccountId = account ?? replies.data?.channelAccountId ?? conversation.channelAccountId;
  const onAccount = useChannels()(replyAccountId);
  const channel = onAccount.account ? onAccount : own;
  const caps = channel.capabilities;
  const visibilities = caps?.visibilities ?? ['private'];
  const { draft, ready, save, sent } = useDraft(conversation.id);
  const postMessage = usePostMessage(conversation.id);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState('');
  // Null until the agent (or their draft) picks one: until then the way the customer last wrote
  // (an answer to a DM goes as a DM), once the server has said it, else the channel's first.
  const [chosen, setChosen] = useState<Visibility | null>(null);
  const fallback = replies.data?.defaultVisibility ?? visibilities[0] ?? 'private';
  const visibility: Visibility = chosen && visibilities.includes(chosen) ? chosen : visibilities.includes(fallback) ? fallback : 'private';
  const [split, setSplit] = useState(false);
  const signatureText = me.user?.signature ?? null;
  const [signature, setSignature] = useState(Boolean(signatureText));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A reply waiting for the agent to confirm answering a colleague's conversation, and who waits for its outcome.
  const [confirming, setConfirming] = useState<{ body: MessageBody; done(sent: boolean): void } | null>(null);
  const [templateChosen, setTemplateChosen] = useState(false);
  // The privacy guard refused the text as it stands; a change to it (or where it goes) clears this.
  const [piiRefused, setPiiRefused] = useState<string | null>(null);
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

  const change = (next: Partial<{ text: string; mode: ComposerMode; visibility: Visibility; split: boolean }>) => {
    const d = {
      text: next.text ?? text,
      kind: next.mode ?? mode,
      visibility: next.visibility ?? visibility,
      allowSplit: next.split ?? split,
    };
    if (d.text !== text || d.visibility !== visibility) setPiiRefused(null);
    setText(d.text);
    setMode(d.kind);
    if (next.visibility) setChosen(next.visibility);
    setSplit(d.allowSplit);
    save(d);
  };

  // Quoting is for a reply: choosing a message to quote turns a note back into one, ready to type.
  const quotedId = quote?.message.id ?? null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newly chosen quote moves the focus, not each keystroke
  useEffect(() => {
    if (!quotedId) return;
    if (mode !== 'reply') change({ mode: 'reply' });
    box.current?.focus();
  }, [quotedId]);

  const slash = useSlash(text, (next) => change({ text: next }), box);
  const reply = mode === 'reply';
  const full = reply && signature && signatureText ? `${text.trimEnd()}\n\n${signatureText}` : text;
  const limit = reply && caps ? textLimitFor(caps, visibility) : null;
  // Counted the channel's way (X: a link is 23, an emoji 2), as its adapter describes it.
  const length = measureText(full, channel.kind?.textCounting);
  const over = limit !== null && length > limit;
  const canSplit = over && caps?.splitLongText === true;
  const attachmentIds = canAttach ? files.ids : [];
  // What the channel refuses now (X's tier, WhatsApp's closed window), with what to do instead: Send stays off.
  const decision = reply ? replies.option(visibility)?.decision : undefined;
  const refusal = decision && !decision.allowed ? decision : null;
  const replyWindow = useReplyWindow(caps?.replyWindowHours, replies.data, replies.refresh);
  const shut = replyWindow.kind === 'closed';
  const hasTemplates = replies.data?.templates === true;
  const onlyTemplates = hasTemplates && (shut || WINDOW_CODES.includes(refusal?.code ?? ''));
  const templating = reply && hasTemplates && (onlyTemplates || templateChosen);
  const findings = usePrivacyScan(full, reply && visibility === 'public' && !templating);
  const blocked =
    text.trim().length === 0 ||
    piiRefused !== null ||
    (over && !(canSplit && split)) ||
    (canAttach && files.uploading) ||
    refusal !== null ||
    (reply && (replies.pending || onlyTemplates));

  const post = async (body: MessageBody): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await postMessage(body);
      if (body.quoteMessageId) onDropQuote();
      if (body.template) return true;
      sent();
      setText('');
      setSplit(false);
      files.clear();
      box.current?.focus();
      return true;
    } catch (err) {
      const pii = privacyRefusal(err);
      if (pii) {
        setPiiRefused(pii.message);
        return false;
      }
      setError(err instanceof ApiError ? err.message : String(err));
      // Refused by the channel since the options were read: read them again to offer the alternatives.
      if (refusedAlternatives(err)) void replies.refresh();
      return false;
    } finally {
      setBusy(false);
    }
  };

  // Replying in a colleague's conversation is a step the agent takes on purpose; a note is not a reply.
  const submit = (body: MessageBody): Promise<boolean> =>
    body.kind === 'reply' && colleague ? new Promise((done) => setConfirming({ body, done })) : post(body);

  const send = () => {
    if (blocked || busy) return;
    void submit({
      kind: mode,
      text: full,
      ...(reply ? { visibility, allowSplit: canSplit && split } : {}),
      ...(reply && replies.data ? { channelAccountId: replyAccountId } : {}),
      ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
      ...(reply && quote ? { quoteMessageId: quote.message.id } : {}),
    });
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && slash.query === null) {
      e.preventDefault();
      box.current?.blur();
      focusList();
    }
  };

  const onText = (value: string, caret: number) => {
    change({ text: value });
    slash.typed(value, caret);
  };

  const modeLabel = reply ? t('conversation.composer.replyLabel') : t('conversation.composer.noteLabel');
  const windowLine = reply ? <ReplyWindow state={replyWindow} /> : null;
  return (
    <Paper withBorder p="sm" radius="md" className="composer" data-mode={mode} bg={reply ? undefined : 'var(--mantine-color-yellow-light)'}>
      <Stack gap="xs">
        <ModeBar
          channel={channel}
          mode={mode}
          onMode={(m) => change({ mode: m })}
          visibility={visibility}
          onVisibility={(v) => change({ visibility: v })}
          template={hasTemplates && !onlyTemplates ? { on: templateChosen, toggle: () => setTemplateChosen((on) => !on) } : null}
        >
          {reply && (
            <ReplyChannelPicker
              channels={replies.data?.channels ?? []}
              value={replyAccountId}
              onChange={(id) => {
                // Another account: its own default visibility and its own options, read afresh.
                setAccount(id);
                setChosen(null);
                setTemplateChosen(false);
                setPiiRefused(null);
                setError(null);
              }}
            />
          )}
        </ModeBar>
        {reply && <ChannelRules channel={channel} visibility={visibility} />}
        {piiRefused ? (
          <ReplyRefusal
            channel={channel}
            visibility={visibility}
            title={t('privacy.composer.refusedTitle')}
            reason={piiRefused}
            alternatives={[
              ...(visibilities.includes('private') ? [{ kind: 'visibility' as const, visibility: 'private' as const, label: '' }] : []),
              { kind: 'handoff' as const, label: '' },
            ]}
            onVisibility={(v) => change({ visibility: v })}
            onTemplate={() => undefined}
          />
        ) : (
          reply && !refusal && <ComposerPrivacy findings={findings} channel={channel} onVisibility={(v) => change({ visibility: v })} />
        )}
        {refusal && (
          <ReplyRefusal
            channel={channel}
            visibility={visibility}
            reason={channelMessage(channel.kind, refusal.code, lang) ?? refusal.reason}
            code={refusal.code}
            alternatives={refusal.alternatives}
            onVisibility={(v) => {
              setError(null);
              change({ visibility: v });
            }}
            onTemplate={() => document.getElementById(TEMPLATE_SEARCH_ID)?.focus()}
          />
        )}
        {reply && quote && (
          <QuotedMessage
            quote={quote}
            onDrop={() => {
              onDropQuote();
              box.current?.focus();
            }}
            testId="composer-quote"
          />
        )}
        {templating ? (
          <Suspense fallback={<Loader size="xs" aria-label={t('app.loading')} />}>
            <TemplateReply
              accountId={replyAccountId}
              contactId={conversation.contactId}
              language={conversation.language}
              searchId={TEMPLATE_SEARCH_ID}
              replyWindow={windowLine}
              busy={busy}
              autoFocus={templateChosen}
              onSend={(template) =>
                submit({
                  kind: 'reply',
                  text: '',
                  visibility,
                  template,
                  ...(replies.data ? { channelAccountId: replyAccountId } : {}),
                  ...(quote ? { quoteMessageId: quote.message.id } : {}),
                })
              }
            />
          </Suspense>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              send();
            }}
          >
            <Stack gap="xs">
              <CannedCombobox query={slash.query} onPick={slash.insert} onDismiss={slash.dismiss}>
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
              <SendRow
                replyWindow={windowLine}
                label={reply ? t('conversation.composer.send') : t('conversation.composer.addNote')}
                disabled={blocked}
                busy={busy}
                color={reply ? undefined : 'yellow'}
              >
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
              </SendRow>
            </Stack>
          </form>
        )}
        {error && error !== refusal?.reason && (
          <Alert color="red" variant="light" p="xs" role="alert" data-testid="composer-error">
            {error}
          </Alert>
        )}
      </Stack>
      <ColleagueWarning
        name={colleague}
        opened={confirming !== null}
        onCancel={() => {
          confirming?.done(false);
          setConfirming(null);
        }}
        onConfirm={() => {
          setConfirming(null);
          if (confirming) void post(confirming.body).then(confirming.done);
        }}
        channel={channel.kind ? channelName(channel.kind, lang) : null}
      />
    </Paper>
  );
}

const TEMPLATE_SEARCH_ID = 'composer-template-search';
