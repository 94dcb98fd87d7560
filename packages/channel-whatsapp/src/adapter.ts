import { randomBytes } from 'node:crypto';
import { type ChannelAdapter, type ChannelConnection, countCodePoints, defineCapabilities, PHONE_IDENTITY } from '@centralita/channel-kit';
import { connectCloud, graphFor } from './cloud/connection.ts';
import { BSUID_IDENTITY } from './cloud/parse/index.ts';
import { TEXT_LIMIT } from './cloud/send.ts';
import { configJsonSchema, exampleConfig, parseConfig, SECRET_KEYS, type WhatsAppConfig } from './config.ts';
import { testConnection } from './connection-test.ts';
import { METERING } from './metering.ts';
import { replyPolicy } from './policy.ts';
import { PRESENTATION } from './presentation.ts';
import { connectWeb, WEB_TEXT_LIMIT, type WebClientLike, type WebClientOptions, WHATSAPP_LID_IDENTITY } from './web/index.ts';

export const WHATSAPP_KIND = 'whatsapp';
/** The identity kind of whatsapp-web.js's privacy ids (`<n>@lid`), which hide the phone. */
export const LID_IDENTITY = WHATSAPP_LID_IDENTITY;

/** What either mode can do; each account declares its own in `capabilitiesFor`. */
const capabilities = defineCapabilities({
  inbound: { push: true, pull: true },
  signedWebhooks: true,
  visibilities: ['private'],
  maxTextLength: WEB_TEXT_LIMIT,
  threading: 'contact',
  attachments: true,
  replyWindowHours: 24,
  deliveryReceipts: true,
  verifiedSenders: true,
  splitLongText: true,
  quotes: true,
});

export interface WhatsAppAdapterOptions {
  /**
   * Builds the whatsapp-web.js client of a `web` account (default: the real library on Chromium).
   * Tests inject a fake, since WhatsApp Web cannot be reached from them.
   */
  createWebClient?: (options: WebClientOptions) => WebClientLike | Promise<WebClientLike>;
}

/**
 * WhatsApp: one kind, two ways in. `cloud` accounts take Meta's signed webhooks on every node and
 * send through the Graph API within the 24-hour window (templates outside it), metered per
 * message by category and market. `web` accounts link a phone through WhatsApp Web
 * (whatsapp-web.js on the system Chromium): the session is one browser, so it runs on the one
 * node holding the account's lock, like a poller, and is kept in the database so it moves with it.
 */
export function createWhatsAppAdapter(options: WhatsAppAdapterOptions = {}): ChannelAdapter<WhatsAppConfig> {
  return {
    kind: WHATSAPP_KIND,
    displayName: 'WhatsApp',
    presentation: PRESENTATION,
    capabilities,
    capabilitiesFor: (config) =>
      config.mode === 'web'
        ? defineCapabilities({
            ...capabilities,
            inbound: { push: false, pull: true },
            signedWebhooks: false,
            replyWindowHours: null,
            maxTextLength: WEB_TEXT_LIMIT,
            splitLongText: true,
          })
        : defineCapabilities({ ...capabilities, inbound: { push: true, pull: false }, maxTextLength: TEXT_LIMIT, splitLongText: false }),
    config: {
      parse: parseConfig,
      secretKeys: SECRET_KEYS,
      generate: () => ({ verifyToken: randomBytes(24).toString('base64url') }),
      example: exampleConfig,
      jsonSchema: configJsonSchema,
    },
    metering: METERING,
    // The phone first (it reaches every app version), else the business-scoped id; a web account's privacy id last.
    addressKinds: [PHONE_IDENTITY, BSUID_IDENTITY, LID_IDENTITY],
    measureText: countCodePoints,
    replyPolicy,
    async listTemplates(config) {
      if (config.mode !== 'cloud') return [];
      if (!config.businessAccountId) throw new Error('the account has no WhatsApp Business Account id to list templates from');
      return graphFor(config).listTemplates(config.businessAccountId);
    },
    contactLink(config, text) {
      // wa.me takes the number's digits alone, and prefills the first message (with its code).
      if (!config.businessPhone) return null;
      return `https://wa.me/${config.businessPhone.slice(1)}?text=${encodeURIComponent(text)}`;
    },
    testConnection,
    connect(account, ctx): ChannelConnection {
      const config = account.config;
      if (config.mode === 'web') {
        const web = {
          chromiumPath: config.chromiumPath,
          headless: config.headless,
          readyTimeoutMs: config.readyTimeoutSeconds * 1000,
          backupSyncMs: config.sessionBackupSeconds * 1000,
        };
        return connectWeb({ id: account.id, name: account.name, config: web }, ctx, {
          maxMediaBytes: config.maxMediaBytes,
          textLimit: WEB_TEXT_LIMIT,
          ...(options.createWebClient ? { createClient: options.createWebClient } : {}),
        });
      }
      return connectCloud(account, ctx);
    },
  };
}
