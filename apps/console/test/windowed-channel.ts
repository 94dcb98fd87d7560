import {
  type ChannelAdapter,
  type ChannelContext,
  countCodePoints,
  defineCapabilities,
  type MessageTemplate,
  REPLY_ALLOWED,
  type ReplyDecision,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount } from '@centralita/db';
import { call, type Fixture } from '@centralita/server/test-harness';
import type { ConsoleTest } from './browser.ts';

const WINDOW_HOURS = 24;

export const WINDOW_CLOSED_REASON = 'More than 24 hours have passed since the customer last wrote: only an approved template can be sent.';
export const NO_WINDOW_REASON = 'The customer has not written yet: only an approved template can start the conversation.';

/**
 * The account's templates as the provider lists them now: two approved (one in Spanish with two
 * parameters, one in English with a header and footer) and one pending. A test may push to it and
 * see it after "Refresh" (the server caches the list for five minutes otherwise).
 */
export const windowedTemplates: MessageTemplate[] = [
  {
    name: 'order_update',
    language: 'es',
    category: 'utility',
    status: 'approved',
    header: null,
    body: 'Hola {{1}}, tu pedido {{2}} ha salido.',
    footer: null,
    parameters: [
      { key: 'body.1', label: 'Body {{1}}', example: 'Ana' },
      { key: 'body.2', label: 'Body {{2}}', example: 'A-123' },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'en_US',
    category: 'utility',
    status: 'approved',
    header: 'Reminder',
    body: 'Hi {{first_name}}, see you on {{1}}.',
    footer: 'Reply STOP to opt out',
    parameters: [
      { key: 'body.first_name', label: 'Body {{first_name}}', example: 'Sam' },
      { key: 'body.1', label: 'Body {{1}}', example: 'Monday' },
    ],
  },
  {
    name: 'spring_sale',
    language: 'es',
    category: 'marketing',
    status: 'pending',
    header: null,
    body: '¡Rebajas de primavera, {{1}}!',
    footer: null,
    parameters: [{ key: 'body.1', label: 'Body {{1}}' }],
  },
];

/** What the test-only windowed channel "delivered": each reply's text, the template it sent and the message it quoted, if any. */
export const windowedSent: { text: string; template: string | null; conversationId: string; quotedExternalId: string | null }[] = [];

/** A customer's message on the windowed channel, as its webhook takes it. */
export interface WindowedMessage {
  id: string;
  from: string;
  text: string;
  /** The sender's language, kept on the contact: its templates are listed first. */
  locale?: string;
  /** The sender's name, as their profile gives it. */
  name?: string;
}

/**
 * A test-only channel shaped like WhatsApp's Cloud API, without WhatsApp: DMs only, a 24-hour
 * reply window after the customer's latest message (a free-form reply later, or before the
 * customer wrote, is refused with the template alternative), message templates, and a metered
 * ledger that records each reply on its conversation (a template by its category, a free-form
 * reply as a service message), and quotes (a reply may quote a customer message, as WhatsApp shows
 * it above the reply), so the console's window, template picker, cost and quoting can be checked
 * end to end.
 */
export function createWindowedChannel(): ChannelAdapter<Record<string, never>> {
  return {
    kind: 'windowed',
    displayName: 'Windowed',
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="currentColor"/></svg>',
      fields: {},
      visibilities: { private: 'Message' },
      locales: {
        es: {
          displayName: 'Con ventana',
          visibilities: { private: 'Mensaje' },
          messages: {
            window_closed: 'Han pasado más de 24 horas desde el último mensaje del cliente: solo se puede enviar una plantilla aprobada.',
            no_window: 'El cliente aún no ha escrito: solo una plantilla aprobada puede iniciar la conversación.',
          },
        },
      },
    },
    capabilities: defineCapabilities({
      inbound: { push: true, pull: false },
      visibilities: ['private'],
      maxTextLength: 4_096,
      threading: 'contact',
      replyWindowHours: WINDOW_HOURS,
      verifiedSenders: true,
      quotes: true,
    }),
    config: { parse: () => ({}), secretKeys: [] },
    metering: {
      currency: 'USD',
      kinds: {
        service: { label: 'Service replies', unitPrice: 0.005 },
        template_utility: { label: 'Utility templates', unitPrice: 0.02 },
        template_marketing: { label: 'Marketing templates', unitPrice: 0.06 },
      },
    },
    measureText: countCodePoints,
    replyPolicy: ({ target, now, template }): ReplyDecision => {
      if (template) return REPLY_ALLOWED;
      const alternatives = [{ kind: 'template' as const, label: 'Send an approved template' }];
      if (!target) return { allowed: false, code: 'no_window', reason: NO_WINDOW_REASON, alternatives };
      if (now.getTime() - target.receivedAt.getTime() > WINDOW_HOURS * 3_600_000) {
        return { allowed: false, code: 'window_closed', reason: WINDOW_CLOSED_REASON, alternatives };
      }
      return REPLY_ALLOWED;
    },
    listTemplates: async () => windowedTemplates.map((t) => ({ ...t, parameters: [...t.parameters] })),
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        handleWebhook: (req) => received(ctx, req),
        async send(message) {
          windowedSent.push({
            text: message.text,
            template: message.template?.name ?? null,
            conversationId: message.conversationId,
            quotedExternalId: message.quotedExternalId ?? null,
          });
          const kind = message.template ? `template_${message.template.category ?? 'utility'}` : 'service';
          await ctx.usage.record(kind, 1, { conversationId: message.conversationId });
          return { externalIds: [message.messageId], state: 'sent' };
        },
      };
    },
  };
}

async function received(ctx: ChannelContext, req: WebhookRequest): Promise<WebhookResponse> {
  const m = JSON.parse(req.rawBody.toString('utf8')) as WindowedMessage;
  await ctx.emit({
    type: 'message.received',
    externalMessageId: m.id,
    occurredAt: new Date(),
    sender: {
      kind: 'windowed',
      externalId: m.from,
      verified: true,
      ...(m.locale ? { locale: m.locale } : {}),
      ...(m.name ? { displayName: m.name } : {}),
    },
    text: m.text,
    visibility: 'private',
    thread: { contactThread: true },
    metadata: {},
  });
  return { status: 200, body: { ok: true } };
}

/** A windowed account in the fixture's workspace. */
export async function windowedAccount(c: ConsoleTest, f: Fixture, name = 'Windowed shop'): Promise<string> {
  const account = await createChannelAccount(c.server.db.current.db.kysely, {
    workspaceId: f.workspaceId,
    kind: 'windowed',
    name,
    settings: {},
    secretsEncrypted: null,
  });
  return account.id;
}

/**
 * A customer writes on the account, `ageMs` ago (the message is stored now, then dated back, as
 * if the customer wrote then: the window runs from when Centralita received it). Answers the
 * conversation it is in.
 */
export async function windowedMessage(c: ConsoleTest, accountId: string, message: WindowedMessage, ageMs = 0): Promise<string> {
  const res = await call(c.url, 'POST', `/webhooks/${accountId}`, { body: message });
  if (res.status !== 200) throw new Error(`the windowed webhook answered ${res.status}: ${res.text}`);
  const db = c.server.db.current.db.kysely;
  const row = await waitFor(() =>
    db
      .selectFrom('messages')
      .select(['id', 'conversation_id'])
      .where('channel_account_id', '=', accountId)
      .where('external_id', '=', message.id)
      .executeTakeFirst(),
  );
  if (ageMs > 0) {
    await db
      .updateTable('messages')
      .set({ created_at: new Date(Date.now() - ageMs) })
      .where('id', '=', row.id)
      .execute();
  }
  return row.conversation_id;
}
