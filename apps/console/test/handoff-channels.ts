import {
  type ChannelAdapter,
  type ChannelCapabilities,
  countCodePoints,
  defineCapabilities,
  type WebhookResponse,
} from '@centralita/channel-kit';
import { waitFor } from '@centralita/channel-kit/conformance';
import { createChannelAccount } from '@centralita/db';
import { call } from '@centralita/server/test-harness';
import type { ConsoleTest } from './browser.ts';

// Test-only stand-ins for the four channels a conversation can be handed off to, under the
// installed kinds they replace in the test's server (`twitter`, `whatsapp`, `email`), so the
// handoff service offers them as it offers the real ones, without X, Meta or a mail server:
// each takes a JSON `{ id, from, text, visibility? }` on its webhook as one customer message, and
// keeps what it "delivered".

/** What the stand-ins delivered, in order: which kind, to whom, what, how. */
export const delivered: { kind: string; text: string; visibility: string; recipient: string | null; conversationId: string }[] = [];

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect x="3" y="3" width="18" height="18" fill="currentColor"/></svg>';

interface Settings {
  /** The WhatsApp stand-in's business number, for wa.me links; without it there is no link. */
  businessPhone?: string;
}

function standIn(options: {
  kind: string;
  displayName: string;
  senderKind: string;
  visibilities: Record<string, string>;
  capabilities: Partial<ChannelCapabilities>;
  addressKinds?: string[];
  contactLink?: (config: Settings, text: string) => string | null;
}): ChannelAdapter<Settings> {
  return {
    kind: options.kind,
    displayName: options.displayName,
    presentation: { icon: ICON, fields: {}, visibilities: options.visibilities },
    capabilities: defineCapabilities({
      inbound: { push: true, pull: false },
      threading: 'contact',
      verifiedSenders: true,
      ...options.capabilities,
    }),
    config: { parse: (raw) => raw as Settings, secretKeys: [] },
    measureText: countCodePoints,
    ...(options.addressKinds ? { addressKinds: options.addressKinds } : {}),
    ...(options.contactLink ? { contactLink: options.contactLink } : {}),
    connect(_account, ctx) {
      return {
        async start() {},
        async stop() {},
        async handleWebhook(req): Promise<WebhookResponse> {
          const m = JSON.parse(req.rawBody.toString('utf8')) as {
            id: string;
            from: string;
            text: string;
            visibility?: 'public' | 'private';
            name?: string;
          };
          const visibility = m.visibility ?? (options.capabilities.visibilities?.[0] as 'public' | 'private');
          await ctx.emit({
            type: 'message.received',
            externalMessageId: m.id,
            occurredAt: new Date(),
            sender: { kind: options.senderKind, externalId: m.from, verified: true, ...(m.name ? { displayName: m.name } : {}) },
            text: m.text,
            visibility,
            thread: { contactThread: true },
          });
          return { status: 200, body: { ok: true } };
        },
        async send(message) {
          delivered.push({
            kind: options.kind,
            text: message.text,
            visibility: message.visibility,
            recipient: message.recipient?.externalId ?? null,
            conversationId: message.conversationId,
          });
          return { externalIds: [message.messageId], state: 'sent' };
        },
      };
    },
  };
}

/** X: public posts (280) and DMs (10,000); a DM reaches the X user the contact is. */
export const createStandInX = () =>
  standIn({
    kind: 'twitter',
    displayName: 'X',
    senderKind: 'twitter',
    visibilities: { public: 'Public reply', private: 'DM' },
    capabilities: { visibilities: ['public', 'private'], maxTextLength: 10_000, maxTextLengthByVisibility: { public: 280 } },
  });

/** WhatsApp: private messages of up to 4,096 characters to a phone, and wa.me links from the business number. */
export const createStandInWhatsApp = () =>
  standIn({
    kind: 'whatsapp',
    displayName: 'WhatsApp',
    senderKind: 'phone',
    addressKinds: ['phone'],
    visibilities: { private: 'Message' },
    capabilities: { visibilities: ['private'], maxTextLength: 4_096 },
    contactLink: (config, text) =>
      config.businessPhone ? `https://wa.me/${config.businessPhone.slice(1)}?text=${encodeURIComponent(text)}` : null,
  });

/** Email: private, no length limit, to an address. */
export const createStandInEmail = () =>
  standIn({
    kind: 'email',
    displayName: 'Email',
    senderKind: 'email',
    visibilities: { private: 'Email' },
    capabilities: { visibilities: ['private'], maxTextLength: null },
  });

/** An account of a stand-in in the fixture's workspace. */
export async function standInAccount(c: ConsoleTest, kind: string, name: string, settings: Settings = {}): Promise<string> {
  const account = await createChannelAccount(c.server.db.current.db.kysely, {
    workspaceId: c.f.workspaceId,
    kind,
    name,
    settings: { ...settings },
    secretsEncrypted: null,
  });
  return account.id;
}

/** A customer writes on a stand-in account; answers the conversation the message went to, once stored. */
export async function standInMessage(
  c: ConsoleTest,
  accountId: string,
  message: { id: string; from: string; text: string; visibility?: 'public' | 'private'; name?: string },
): Promise<string> {
  const res = await call(c.url, 'POST', `/webhooks/${accountId}`, { body: message });
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${res.text}`);
  const db = c.server.db.current.db.kysely;
  const row = await waitFor(() =>
    db
      .selectFrom('messages')
      .select('conversation_id')
      .where('channel_account_id', '=', accountId)
      .where('external_id', '=', message.id)
      .executeTakeFirst(),
  );
  return row.conversation_id;
}
