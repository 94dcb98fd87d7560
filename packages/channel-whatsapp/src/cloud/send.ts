import {
  type ChannelContext,
  countCodePoints,
  type OutboundAttachment,
  type OutboundMessage,
  PHONE_IDENTITY,
  phoneCountry,
  SendError,
  type SendResult,
  sendParts,
} from '@centralita/channel-kit';
import type { WhatsAppConfig } from '../config.ts';
import { usageKindOf } from '../metering.ts';
import { replyPolicy } from '../policy.ts';
import type { GraphClient } from './graph.ts';
import { GraphError } from './graph-errors.ts';
import {
  type MediaKind,
  type MessageContent,
  mediaContent,
  messageBody,
  type Recipient,
  templateContent,
  textContent,
} from './graph-messages.ts';
import { BSUID_IDENTITY, bsuidCountry } from './parse/index.ts';

/** WhatsApp's longest text message, and its longest caption. */
export const TEXT_LIMIT = 4_096;
const CAPTION_LIMIT = 1_024;

export interface CloudSendDeps {
  ctx: ChannelContext;
  config: WhatsAppConfig;
  graph: GraphClient;
}

/** What the adapter kept with the customer's message (see parse/message.ts). */
interface MessageFacts {
  phoneNumberId?: unknown;
  waId?: unknown;
  bsuid?: unknown;
}

/**
 * Sends one reply through the Cloud API: from the business number the customer last wrote to, to
 * their phone when known, else their business-scoped user id; text, files (the text as the first
 * file's caption where WhatsApp shows one) or a template; each part once, even across retries.
 * The 24-hour rule is checked again here, so a reply that waited in the outbox past the window
 * fails with the reason instead of reaching Meta. Each message sent is counted in the ledger by
 * category and the recipient's market, against the conversation.
 */
export async function sendCloud(deps: CloudSendDeps, message: OutboundMessage): Promise<SendResult> {
  const { ctx, config } = deps;
  const decision = replyPolicy({
    config,
    visibility: message.visibility,
    target: message.target ?? null,
    now: ctx.now(),
    template: message.template ?? null,
  });
  if (!decision.allowed) throw new SendError(decision.code ?? 'reply_not_allowed', decision.reason, { retryable: false });
  const facts = (message.target?.metadata ?? {}) as MessageFacts;
  const from = typeof facts.phoneNumberId === 'string' && facts.phoneNumberId ? facts.phoneNumberId : config.phoneNumberId;
  if (!from) throw new SendError('not_configured', 'The account has no phone number id.', { retryable: false });
  const to = recipientOf(message, facts);
  // Refused before the pair's slot is claimed: a reply that never goes out must not delay the next.
  const text = checkedText(message);
  const parts = partsOf(deps, from, message, text);
  const kind = usageKindOf(message.template);
  const market = marketOf(to);
  try {
    const ids = await sendParts(
      message,
      parts.map((_, i) => String(i)),
      async (_part, index) => {
        // Every part is a message to the person: each waits for its slot, so a reply of a text
        // and three files goes out one spacing apart, resuming after the parts already sent.
        await spaceForPair(deps, from, to);
        const content = await (parts[index] as () => Promise<MessageContent>)();
        const sent = await deps.graph.sendMessage(
          from,
          messageBody(to, content, {
            recipientField: config.bsuidField,
            // The quote goes on the first part only: the rest follow it.
            ...(index === 0 && message.quotedExternalId ? { replyTo: message.quotedExternalId } : {}),
          }),
        );
        // The message is out: a ledger that fails now must not make the outbox send it again.
        await ctx.usage.record(kind, 1, { market, conversationId: message.conversationId }).catch((err: unknown) => {
          ctx.logger.warn({ kind, error: err instanceof Error ? err.message.slice(0, 200) : String(err) }, 'WhatsApp usage not recorded');
        });
        return sent.messageId;
      },
    );
    return { externalIds: ids, state: 'sent' };
  } catch (err) {
    throw await asSendError(deps, err);
  }
}

/** The customer's address: what their latest message came from, else the host's identity. */
function recipientOf(message: OutboundMessage, facts: MessageFacts): Recipient {
  const phone = typeof facts.waId === 'string' && facts.waId ? facts.waId : undefined;
  const bsuid = typeof facts.bsuid === 'string' && facts.bsuid ? facts.bsuid : undefined;
  if (phone || bsuid) return { ...(phone ? { phone } : {}), ...(bsuid ? { bsuid } : {}) };
  const r = message.recipient;
  if (r?.kind === PHONE_IDENTITY || r?.kind === 'whatsapp') return { phone: r.externalId };
  if (r?.kind === BSUID_IDENTITY) return { bsuid: r.externalId };
  throw new SendError('no_recipient', 'The contact has no WhatsApp phone number or user id to write to.', { retryable: false });
}

/** The market a message is priced in: the phone's country, else the BSUID's country prefix. */
function marketOf(to: Recipient): string | null {
  const byPhone = to.phone ? phoneCountry(to.phone.startsWith('+') ? to.phone : `+${to.phone}`) : null;
  return byPhone ?? (to.bsuid ? bsuidCountry(to.bsuid) : null);
}

/**
 * Meta's pair rate: about one message every 6 s from a business number to one person (131056).
 * The first sender to claim the pair's slot goes; any other waits out the rest of the spacing in
 * the outbox, on whichever node, without using an attempt. Nothing is merged or dropped.
 */
async function spaceForPair(deps: CloudSendDeps, from: string, to: Recipient): Promise<void> {
  const spacing = deps.config.pairSpacingMs;
  if (spacing <= 0) return;
  const now = deps.ctx.now().getTime();
  // Meta counts the pair (business number, user): another of the account's numbers is not held back.
  const key = `pair:${from}:${to.phone ?? to.bsuid}`;
  const mine = `${now}:${Math.random().toString(36).slice(2)}`;
  const live = await deps.ctx.store.putIfAbsent(key, mine, spacing);
  if (live === mine) return;
  const since = Number(live.split(':')[0]);
  const wait = Math.max(250, spacing - (Number.isFinite(since) ? now - since : 0));
  throw new SendError('pair_rate', `Spacing messages to this person: WhatsApp takes about one every ${seconds(spacing)} s.`, {
    retryable: true,
    retryAfterMs: wait,
    hold: `Waiting ${seconds(wait)} s: WhatsApp takes about one message every ${seconds(spacing)} s to one person`,
  });
}

/** The reply's text, trimmed; a free-form text over WhatsApp's limit is refused (a template's text is only its rendering). */
function checkedText(message: OutboundMessage): string {
  const text = message.text.trim();
  // Counted as WhatsApp and the adapter's measureText count: code points, so an emoji is one.
  const length = countCodePoints(text);
  if (!message.template && length > TEXT_LIMIT) {
    throw new SendError('text_too_long', `WhatsApp takes ${TEXT_LIMIT} characters in a message; this reply has ${length}.`, {
      retryable: false,
    });
  }
  return text;
}

/**
 * The messages one reply becomes, in order, each made when it is sent: a template; or the files
 * (the text as the first one's caption when WhatsApp shows one and it fits) with the text before
 * them otherwise. The same reply always splits the same way, so a retry resumes at the right
 * part, and a file is uploaded only when its part goes out.
 */
function partsOf(deps: CloudSendDeps, from: string, message: OutboundMessage, text: string): (() => Promise<MessageContent>)[] {
  const template = message.template;
  if (template) return [async () => templateContent(template)];
  const files = message.attachments ?? [];
  if (files.length === 0) return [async () => textContent(text)];
  const first = files[0] as OutboundAttachment;
  const firstKind = mediaKindOf(first);
  const captioned = text.length > 0 && countCodePoints(text) <= CAPTION_LIMIT && firstKind !== 'audio' && firstKind !== 'sticker';
  const out: (() => Promise<MessageContent>)[] = files.map((file, i) => async () => {
    const id = await upload(deps, from, file);
    const caption = i === 0 && captioned ? text : undefined;
    return mediaContent(mediaKindOf(file), { id }, { ...(caption ? { caption } : {}), filename: file.filename });
  });
  if (text.length > 0 && !captioned) out.unshift(async () => textContent(text));
  return out;
}

async function upload(deps: CloudSendDeps, from: string, file: OutboundAttachment): Promise<string> {
  try {
    return await deps.graph.uploadMedia(from, file.content, file.contentType, file.filename);
  } catch (err) {
    throw await asSendError(deps, err);
  }
}

/** How WhatsApp sends a file: images, videos and audio it plays as such; anything else as a document. */
function mediaKindOf(file: OutboundAttachment): MediaKind {
  const type = file.contentType.toLowerCase();
  if (/^image\/(jpeg|png)$/.test(type)) return 'image';
  if (type === 'image/webp') return 'sticker';
  if (/^video\/(mp4|3gpp)$/.test(type)) return 'video';
  if (/^audio\/(aac|amr|mpeg|mp4|ogg)/.test(type)) return 'audio';
  return 'document';
}

/** Meta's answer as a send failure: what to wait for, and what no retry can fix, in words. */
async function asSendError(deps: CloudSendDeps, err: unknown): Promise<SendError> {
  if (err instanceof SendError) return err;
  if (!(err instanceof GraphError)) {
    return new SendError('send_failed', err instanceof Error ? err.message : String(err), { retryable: true, cause: err });
  }
  const said = err.details ?? err.title ?? err.message;
  const code = err.code ?? err.httpStatus ?? 0;
  const retry = (ms: number) => ({ retryable: true, retryAfterMs: err.retryAfterMs ?? ms, cause: err });
  switch (err.kind) {
    case 'rate_limited':
      if (code === 131056) {
        // Waiting, not failing: the spacing is the whole remedy, so it uses none of the attempts.
        const wait = err.retryAfterMs ?? (deps.config.pairSpacingMs || 6_000);
        return new SendError('pair_rate', `WhatsApp's limit of messages to one person (131056): ${said}`, {
          retryable: true,
          retryAfterMs: wait,
          hold: `Waiting ${seconds(wait)} s: WhatsApp takes about one message every ${seconds(deps.config.pairSpacingMs || 6_000)} s to one person`,
          cause: err,
        });
      }
      if (code === 130429) return new SendError('throughput', `The business number's message rate (130429): ${said}`, retry(2_000));
      if (code === 131048)
        return new SendError('spam_rate', `WhatsApp limited messages from this number as spam (131048): ${said}`, retry(60_000));
      return new SendError('graph_rate_limit', `The Graph API's rate limit (${code}): ${said}`, retry(60_000));
    case 'window_closed':
      return permanent('window_closed', `Outside the 24-hour window (131047): only an approved template can be sent now. ${said}`, err);
    case 'undeliverable':
      return permanent(
        'undeliverable',
        `WhatsApp could not deliver it (131026): the number may not be on WhatsApp or its app is outdated. ${said}`,
        err,
      );
    case 'payment':
      await deps.ctx.reportState({
        state: 'out_of_credits',
        detail: `Meta refused a message for a payment problem (131042): ${said}`.slice(0, 500),
      });
      return permanent('payment', `Meta refused it for a payment problem on the business account (131042). ${said}`, err);
    case 'policy':
      await deps.ctx.reportState({
        state: 'degraded',
        detail: `Meta restricted the account for a policy violation (368): ${said}`.slice(0, 500),
      });
      return permanent('policy', `Meta blocked it: the account is restricted for a policy violation (368). ${said}`, err);
    case 'unauthorized':
      await deps.ctx.reportState({ state: 'logged_out', detail: 'Meta refused the access token (190): set a valid system user token.' });
      return permanent('unauthorized', 'Meta refused the access token (190); an admin must set a valid one.', err);
    case 'server':
    case 'network':
    case 'timeout':
      return new SendError(
        'graph_unavailable',
        `The Graph API did not take it (${err.httpStatus ?? err.kind}); trying again.`,
        retry(5_000),
      );
    default:
      return permanent('refused', `Meta refused the message (${code}): ${said}`, err);
  }
}

function permanent(code: string, message: string, cause: unknown): SendError {
  return new SendError(code, message.slice(0, 1_000), { retryable: false, cause });
}

/** Seconds as a person reads them: whole from 10 s, else to a tenth (a test's 0.3 s is not "0 s"). */
function seconds(ms: number): string {
  return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}
