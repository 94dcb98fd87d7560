import type { Content, ContentReader } from './content.ts';
import { id, list, longText, obj, str, waDigits } from './read.ts';

/** A customer's tap on a reply button or a list row of our interactive message, or a submitted flow. */
export const interactive: ContentReader = (body) => {
  const kind = str(body, 'type', 40) ?? 'unknown';
  if (kind === 'button_reply' || kind === 'list_reply') {
    const reply = obj(body, kind);
    const replyId = str(reply, 'id', 256);
    const title = str(reply, 'title', 300);
    const description = kind === 'list_reply' ? str(reply, 'description', 300) : undefined;
    const text = [title ?? replyId ?? (kind === 'button_reply' ? '[Button reply]' : '[List reply]'), description]
      .filter(Boolean)
      .join(' — ');
    return {
      text,
      metadata: {
        interactive: {
          type: kind,
          ...(replyId ? { id: replyId } : {}),
          ...(title ? { title } : {}),
          ...(description ? { description } : {}),
        },
      },
    };
  }
  if (kind === 'nfm_reply') {
    const reply = obj(body, 'nfm_reply');
    const name = str(reply, 'name', 200);
    const responseJson = longText(reply, 'response_json');
    return {
      text: name ? `Form response: ${name}` : 'Form response',
      metadata: { interactive: { type: kind, ...(name ? { name } : {}), ...(responseJson ? { responseJson } : {}) } },
    };
  }
  return { text: `[Unsupported message: interactive ${kind}]`, metadata: { interactive: { type: kind } } };
};

/** A quick-reply button of a template: its label is what the customer "said"; the payload is ours. */
export const button: ContentReader = (body) => {
  const text = str(body, 'text', 300);
  const payload = str(body, 'payload', 1_000);
  return { text: text ?? payload ?? '[Button]', metadata: { button: { ...(text ? { text } : {}), ...(payload ? { payload } : {}) } } };
};

/** A reaction to an earlier message, which it points at; an empty emoji takes the reaction back. */
export const reaction: ContentReader = (body) => {
  const messageId = id(body, 'message_id');
  const emoji = str(body, 'emoji', 40);
  const content: Content = {
    text: emoji ? `Reacted ${emoji}` : 'Removed a reaction',
    metadata: { reaction: { ...(messageId ? { messageId } : {}), emoji: emoji ?? null } },
  };
  if (messageId) content.target = messageId;
  return content;
};

const SYSTEM_TEXT: Record<string, string> = {
  user_changed_number: 'The customer changed their WhatsApp phone number',
  user_changed_user_id: "The customer's WhatsApp user id changed",
};

/**
 * A notice from WhatsApp about the customer (a changed number, a changed BSUID). It is stored as a
 * message so the timeline shows it; `metadata.system` carries the old and new ids for the adapter.
 */
export const system: ContentReader = (body) => {
  const kind = str(body, 'type', 60);
  const facts: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (value) facts[key] = value;
  };
  put('type', kind);
  put('body', longText(body, 'body'));
  put('newWaId', waDigits(body, 'wa_id') ?? waDigits(body, 'new_wa_id'));
  put('bsuid', id(body, 'user_id'));
  put('parentBsuid', id(body, 'parent_user_id'));
  put('previousBsuid', id(body, 'previous_user_id'));
  put('previousParentBsuid', id(body, 'previous_parent_user_id'));
  const fallback = kind ? SYSTEM_TEXT[kind] : undefined;
  return { text: facts.body ?? fallback ?? 'WhatsApp system message', metadata: { system: facts } };
};

/** The BSUID a system message is about when the message itself names no sender. */
export function systemSenderBsuid(body: unknown): string | undefined {
  return id(body, 'previous_user_id') ?? id(body, 'user_id');
}

/**
 * A message Cloud API cannot pass on (a poll, an edit, a type newer than the API). It is stored
 * with what WhatsApp says of it, so the agent knows to ask the customer, and never dropped.
 */
export const unsupported: ContentReader = (body, message) => {
  const title = str(list(message, 'errors')[0], 'title', 200);
  const subtype = str(body, 'type', 60);
  const type = str(message, 'type', 60);
  const what = title ?? subtype ?? type ?? 'unknown type';
  return { text: `[Unsupported message: ${what}]`, metadata: subtype ? { unsupportedType: subtype } : {} };
};
