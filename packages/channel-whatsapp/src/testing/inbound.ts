import { webhookError } from './errors.ts';
import { type ChangePart, contactOf, digits, unixSeconds } from './payloads.ts';
import { type PeerState, type PeerUserInput, wamid } from './state.ts';

/** What every inbound builder takes: who writes, and optionally to which number, when and quoting what. */
export interface InboundBase {
  from: PeerUserInput;
  /** The business phone number id written to. @default the peer's first number */
  to?: string;
  /** @default a fresh wamid */
  id?: string;
  /** @default the peer's clock */
  at?: Date;
  /**
   * The message this one quotes: a wamid (then `from` is the business number, as when quoting
   * one of our replies) or `{ id, from }` with the quoted author's digits.
   */
  context?: string | { id: string; from?: string };
}

export interface MediaInbound extends InboundBase {
  /** An id from `peer.addMedia`. */
  media: string;
  caption?: string;
}

export interface ContactCard {
  name: string;
  phones?: string[];
  emails?: string[];
}

export type InboundBuilders = ReturnType<typeof inboundBuilders>;

/** Builders of the `messages[]` Meta posts for what a customer sends, identity fields as in 2026. */
export function inboundBuilders(state: PeerState, defaultPhoneNumberId: string) {
  function part(input: InboundBase, type: string, content: Record<string, unknown>): ChangePart {
    const user = state.upsertUser(input.from);
    const phoneNumberId = input.to ?? defaultPhoneNumberId;
    const number = state.phoneNumber(phoneNumberId);
    if (!number) throw new Error(`WhatsApp test peer: no business phone number ${phoneNumberId}`);
    const id = input.id ?? wamid();
    state.inboundIds.add(id);
    // `from` (the phone) only when the user shares it; `from_user_id` (the BSUID) always.
    const message: Record<string, unknown> = {};
    if (user.phone) message.from = digits(user.phone);
    message.from_user_id = user.bsuid;
    if (user.parentBsuid) message.from_parent_user_id = user.parentBsuid;
    message.id = id;
    message.timestamp = unixSeconds(input.at ?? state.now());
    message.type = type;
    Object.assign(message, content);
    if (input.context !== undefined) {
      const ctx = typeof input.context === 'string' ? { id: input.context } : input.context;
      message.context = { from: ctx.from ?? digits(number.displayPhoneNumber), id: ctx.id };
    }
    return { phoneNumberId, contact: contactOf(user, true), message };
  }

  function mediaObject(kind: string, input: MediaInbound, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const stored = state.media.get(input.media);
    if (!stored) throw new Error(`WhatsApp test peer: no media ${input.media}; add it with peer.addMedia first`);
    // Webhooks carry the hash in base64; `GET /{media-id}` answers it in hex.
    const sha256 = Buffer.from(stored.advertisedSha256Hex, 'hex').toString('base64');
    const object: Record<string, unknown> = { mime_type: stored.mimeType, sha256, id: stored.id, ...extra };
    if (input.caption !== undefined) object.caption = input.caption;
    return { [kind]: object };
  }

  return {
    text: (input: InboundBase & { text: string }) => part(input, 'text', { text: { body: input.text } }),
    image: (input: MediaInbound) => part(input, 'image', mediaObject('image', input)),
    video: (input: MediaInbound) => part(input, 'video', mediaObject('video', input)),
    document: (input: MediaInbound & { filename?: string }) =>
      part(
        input,
        'document',
        mediaObject('document', input, { filename: input.filename ?? state.media.get(input.media)?.filename ?? 'document' }),
      ),
    /** `voice: true` for a voice note recorded in the app, false for a shared audio file. */
    audio: (input: Omit<MediaInbound, 'caption'> & { voice?: boolean }) =>
      part(input, 'audio', mediaObject('audio', input, { voice: input.voice ?? true })),
    sticker: (input: Omit<MediaInbound, 'caption'> & { animated?: boolean }) =>
      part(input, 'sticker', mediaObject('sticker', input, { animated: input.animated ?? false })),
    location: (input: InboundBase & { latitude: number; longitude: number; name?: string; address?: string; url?: string }) => {
      const location: Record<string, unknown> = { latitude: input.latitude, longitude: input.longitude };
      if (input.name !== undefined) location.name = input.name;
      if (input.address !== undefined) location.address = input.address;
      if (input.url !== undefined) location.url = input.url;
      return part(input, 'location', { location });
    },
    contacts: (input: InboundBase & { cards: ContactCard[] }) =>
      part(input, 'contacts', {
        contacts: input.cards.map((card) => {
          const [first, ...rest] = card.name.split(' ');
          const entry: Record<string, unknown> = {
            name: { formatted_name: card.name, first_name: first ?? card.name, ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}) },
          };
          if (card.phones) entry.phones = card.phones.map((phone) => ({ phone, wa_id: digits(phone), type: 'CELL' }));
          if (card.emails) entry.emails = card.emails.map((email) => ({ email, type: 'HOME' }));
          return entry;
        }),
      }),
    /** A tap on a reply button of an interactive message we sent (`context` is that message). */
    buttonReply: (input: InboundBase & { context: InboundBase['context'] & {}; buttonId: string; title: string }) =>
      part(input, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: input.buttonId, title: input.title } } }),
    /** A choice from a list message we sent. */
    listReply: (input: InboundBase & { context: InboundBase['context'] & {}; rowId: string; title: string; description?: string }) =>
      part(input, 'interactive', {
        interactive: {
          type: 'list_reply',
          list_reply: {
            id: input.rowId,
            title: input.title,
            ...(input.description === undefined ? {} : { description: input.description }),
          },
        },
      }),
    /** A tap on a template's quick-reply button. */
    button: (input: InboundBase & { context: InboundBase['context'] & {}; text: string; payload?: string }) =>
      part(input, 'button', { button: { payload: input.payload ?? input.text, text: input.text } }),
    /** A reaction to a message; an empty emoji removes it (Meta then omits the emoji). */
    reaction: (input: InboundBase & { messageId: string; emoji: string }) =>
      part(input, 'reaction', {
        reaction: input.emoji === '' ? { message_id: input.messageId } : { message_id: input.messageId, emoji: input.emoji },
      }),
    /** Something the Cloud API cannot pass on (a poll, an edit, a view-once message). */
    unsupported: (input: InboundBase & { kind?: string }) =>
      part(input, 'unsupported', { errors: [webhookError(131051)], unsupported: { type: input.kind ?? 'unknown' } }),
  };
}
