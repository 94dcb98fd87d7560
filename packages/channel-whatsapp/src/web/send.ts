import {
  countCodePoints,
  type OutboundAttachment,
  type OutboundMessage,
  PHONE_IDENTITY,
  SendError,
  type SendResult,
  sendParts,
  splitText,
} from '@centralita/channel-kit';
import { isCustomerChat } from './inbound.ts';
import { errorText } from './states.ts';
import { type WebClientLike, type WebMedia, WHATSAPP_LID_IDENTITY } from './types.ts';

/** The longest text WhatsApp takes in one message. */
export const WEB_TEXT_LIMIT = 65_536;
/** The longest caption WhatsApp shows under a photo or a document; a longer text goes as its own message. */
export const CAPTION_LIMIT = 1_024;

/** What a reply waits with while this node has no ready WhatsApp Web session. */
export const NOT_READY_HOLD = 'Waiting for the WhatsApp Web session on the node that runs this account';

/** One message of a reply: text, or an attachment with an optional caption. */
type Part = { text: string } | { attachment: OutboundAttachment; caption: string };

/**
 * Delivers one reply through the linked WhatsApp Web session. Without a ready session (Chromium
 * starting, a QR code waiting, another node holding the account) the reply is held, not failed:
 * the host tries again a few seconds later. Templates do not exist on WhatsApp Web: a reply
 * carrying one sends its rendered `text`, which is what the customer would read anyway.
 */
export async function sendWeb(client: WebClientLike | null, message: OutboundMessage, textLimit = WEB_TEXT_LIMIT): Promise<SendResult> {
  if (!client) {
    throw new SendError('web_not_ready', `${NOT_READY_HOLD}.`, { retryable: true, hold: NOT_READY_HOLD, retryAfterMs: 3_000 });
  }
  const chatId = chatIdFor(message);
  const parts = partsOf(message, textLimit);
  // The reply quotes the customer's message it answers, when that is a WhatsApp Web message.
  const quoted = message.quotedExternalId;
  const quotedMessageId = quoted && /^(true|false)_/.test(quoted) ? quoted : undefined;
  const externalIds = await sendParts(
    message,
    parts.map((_, i) => String(i)),
    async (_label, i) => {
      const part = parts[i] as Part;
      const options = {
        ...(i === 0 && quotedMessageId ? { quotedMessageId } : {}),
        ...('attachment' in part ? { media: toMedia(part.attachment) } : {}),
      };
      let sent: Awaited<ReturnType<WebClientLike['sendMessage']>>;
      try {
        sent = await client.sendMessage(chatId, 'attachment' in part ? part.caption : part.text, options);
      } catch (err) {
        throw sendFailure(err);
      }
      if (!sent) {
        throw new SendError('web_no_chat', `WhatsApp Web has no chat for ${chatId}: the number may not be on WhatsApp.`, {
          retryable: false,
        });
      }
      return sent.id._serialized;
    },
  );
  return { externalIds, state: 'sent' };
}

/**
 * Where the reply goes: the contact's phone (`<digits>@c.us`) or lid as the host chose it, else
 * the chat the customer wrote from.
 */
function chatIdFor(message: OutboundMessage): string {
  const to = message.recipient;
  if (to?.kind === PHONE_IDENTITY) {
    const digits = to.externalId.replace(/\D/g, '');
    if (digits.length > 0) return `${digits}@c.us`;
  }
  if (to?.kind === WHATSAPP_LID_IDENTITY && isCustomerChat(to.externalId)) return to.externalId;
  const chatId = message.target?.metadata.chatId;
  if (typeof chatId === 'string' && isCustomerChat(chatId)) return chatId;
  throw new SendError('no_recipient', 'The customer has no WhatsApp number or WhatsApp id this account can write to.', {
    retryable: false,
  });
}

function partsOf(message: OutboundMessage, limit: number): Part[] {
  const text = message.text;
  const length = countCodePoints(text);
  if (length > limit && !message.allowSplit) {
    throw new SendError(
      'text_too_long',
      `WhatsApp takes ${limit} characters in a message; this reply has ${length}. Shorten it or allow splitting it.`,
      {
        retryable: false,
      },
    );
  }
  const attachments = message.attachments ?? [];
  if (attachments.length > 0 && length <= Math.min(CAPTION_LIMIT, limit)) {
    return attachments.map((attachment, i) => ({ attachment, caption: i === 0 ? text : '' }));
  }
  // Split by UTF-16 length: never longer than the code-point count, and measuring each candidate
  // part in constant time keeps splitting a text of 100,000+ characters fast.
  const texts = text.trim().length > 0 ? splitText(text, limit, (t) => t.length) : [];
  return [...texts.map((t) => ({ text: t })), ...attachments.map((attachment) => ({ attachment, caption: '' }))];
}

function toMedia(a: OutboundAttachment): WebMedia {
  return {
    mimetype: a.contentType,
    data: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength).toString('base64'),
    filename: a.filename,
    filesize: a.content.byteLength,
  };
}

const PAGE_GONE =
  /Target closed|Session closed|Execution context was destroyed|detached Frame|Protocol error|Connection closed|page has been closed|Cannot read properties of (null|undefined)/i;
const BAD_RECIPIENT = /invalid wid|wid error|Lid is missing|No LID for user|not registered|not a valid/i;

/** A library failure as a send error: a page that went away is worth a retry, a recipient WhatsApp refuses is not. */
export function sendFailure(err: unknown): SendError {
  const text = errorText(err);
  if (BAD_RECIPIENT.test(text)) {
    return new SendError('web_bad_recipient', `WhatsApp refused the recipient (${text}): the number may not be on WhatsApp.`, {
      retryable: false,
      cause: err,
    });
  }
  if (PAGE_GONE.test(text)) {
    return new SendError(
      'web_page_gone',
      `WhatsApp Web closed while sending (${text}); the reply is sent again once the session is back.`,
      {
        retryable: true,
        retryAfterMs: 5_000,
        cause: err,
      },
    );
  }
  return new SendError('web_send_failed', `WhatsApp Web could not send the message (${text}).`, { retryable: true, cause: err });
}
