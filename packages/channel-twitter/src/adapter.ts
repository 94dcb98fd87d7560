import { type ChannelAdapter, type ChannelContext, type ConnectionReport, defineCapabilities, errorBody } from '@centralita/channel-kit';
import { callX, classify, createClients, type XClients } from './client.ts';
import { configJsonSchema, exampleConfig, parseConfig, SECRET_KEYS, type TwitterConfig } from './config.ts';
import { testConnection } from './connection-test.ts';
import { METERING } from './metering.ts';
import type { Brand } from './parse/index.ts';
import { replyPolicy } from './policy.ts';
import { Poller } from './poller.ts';
import { PRESENTATION } from './presentation.ts';
import { buildSearchQuery, MAX_QUERY_LENGTH } from './search-query.ts';
import { sendReply } from './send.ts';
import { DM_LIMIT, measurePost, POST_LIMIT } from './text.ts';
import { handleWebhook } from './webhook.ts';
import { checkWebhook, ensureWebhook } from './webhook-setup.ts';

export const TWITTER_KIND = 'twitter';

const capabilities = defineCapabilities({
  inbound: { push: true, pull: true },
  signedWebhooks: true,
  // A reply answers the customer the way they wrote (under their post, or in their DMs); with
  // nothing to answer yet, an agent writes first by DM.
  visibilities: ['private', 'public'],
  maxTextLength: DM_LIMIT,
  maxTextLengthByVisibility: { public: POST_LIMIT, private: DM_LIMIT },
  splitLongText: true,
  threading: 'reply_to',
  verifiedSenders: true,
  listening: true,
});

/**
 * The X channel: mentions, replies, quotes and DMs of one brand account, by polling (always: the
 * mentions, the DMs and the saved searches) and, where the account has it, by the X Activity API's
 * webhook. Replies go out as replies to the customer's latest post or as DMs, within what the
 * account's tier allows, metered in the usage ledger.
 */
export function createTwitterAdapter(): ChannelAdapter<TwitterConfig> {
  return {
    kind: TWITTER_KIND,
    displayName: 'X',
    presentation: PRESENTATION,
    capabilities,
    // An account polls whenever it reads anything by polling: its mentions or DMs (with the webhook
    // on, to reconcile), its saved searches, or everything when it has no webhook. The host then
    // runs its reader on one node only.
    capabilitiesFor: (config) =>
      defineCapabilities({
        ...capabilities,
        inbound: { push: config.webhook, pull: !config.webhook || config.mentions || config.directMessages || config.listening },
        signedWebhooks: config.webhook,
        listening: config.listening,
      }),
    config: {
      parse: parseConfig,
      secretKeys: SECRET_KEYS,
      example: exampleConfig,
      complete: lookUpBrand,
      jsonSchema: configJsonSchema,
    },
    metering: METERING,
    measureText: measurePost,
    replyPolicy,
    describeSearch: (terms, config) =>
      buildSearchQuery(terms, { username: config.brandUsername ?? 'brand' }, MAX_QUERY_LENGTH[config.tier]),
    testConnection: (config): Promise<ConnectionReport> => testConnection(config),
    // X's DM deep link: opens a DM to the brand with the text prefilled, for a customer whose DMs
    // are closed to the brand (the brand cannot write first).
    contactLink: (config, text) =>
      config.brandUserId ? `https://x.com/messages/compose?recipient_id=${config.brandUserId}&text=${encodeURIComponent(text)}` : null,
    connect(account, ctx) {
      const config = account.config;
      const clients = createClients(config);
      const brands = new BrandLookup(config, ctx, clients);
      let abort: AbortController | null = null;
      let loop: Promise<void> | null = null;
      return {
        async start(signal) {
          await ctx.reportState({ state: 'connecting', detail: 'Looking up the brand account on X.' });
          let brand: Brand;
          try {
            brand = await brands.get();
          } catch (err) {
            const failure = classify(err);
            await ctx.reportState(
              failure.kind === 'unauthorized'
                ? { state: 'logged_out', detail: 'X refused the access token (401): set the brand’s tokens again.' }
                : {
                    state: 'degraded',
                    detail: `Could not look up the brand account on X (${failure.message.slice(0, 200)}); trying again.`,
                  },
            );
            throw failure;
          }
          let checkHealth: (() => Promise<boolean>) | undefined;
          if (config.webhook && clients.app) {
            const app = clients.app;
            await ensureWebhook(app, clients.user, ctx, brand);
            checkHealth = () => checkWebhook(app, clients.user, ctx, brand);
          }
          const poller = new Poller({ ctx, config, user: clients.user, brand, ...(checkHealth ? { checkWebhook: checkHealth } : {}) });
          abort = new AbortController();
          signal.addEventListener('abort', () => abort?.abort(), { once: true });
          loop = poller.run(abort.signal).catch((err: unknown) => {
            ctx.logger.error({ error: err instanceof Error ? err.message : String(err) }, 'the X reader stopped');
          });
        },
        async stop() {
          abort?.abort();
          await loop;
        },
        async handleWebhook(req) {
          try {
            return await handleWebhook(config, ctx, await brands.get(), req);
          } catch {
            return {
              status: 503,
              headers: { 'retry-after': '5' },
              body: errorBody('unavailable', 'The account could not look up its X user; deliver again.'),
            };
          }
        },
        send: (message) => sendReply({ ctx, config, user: clients.user }, message),
      };
    },
  };
}

/** The brand's user id and handle from its access token, when the account does not name them. */
async function lookUpBrand(config: TwitterConfig): Promise<Record<string, unknown>> {
  if (config.brandUserId && config.brandUsername) return {};
  const me = await callX(() => createClients(config).user.v2.me());
  return { brandUserId: me.data.id, brandUsername: me.data.username };
}

/**
 * Who the brand is: from the configuration, else looked up once from the access token
 * (`GET /2/users/me`) and kept in the account's store, so every node and restart knows it
 * without asking X again.
 */
class BrandLookup {
  #brand: Brand | null = null;

  constructor(
    private readonly config: TwitterConfig,
    private readonly ctx: ChannelContext,
    private readonly clients: XClients,
  ) {}

  async get(): Promise<Brand> {
    if (this.#brand) return this.#brand;
    const { brandUserId, brandUsername } = this.config;
    if (brandUserId && brandUsername) {
      this.#brand = { id: brandUserId, username: brandUsername };
      return this.#brand;
    }
    const stored = await this.ctx.store.getCursor('brand');
    if (stored) {
      this.#brand = JSON.parse(stored) as Brand;
      return this.#brand;
    }
    const me = await this.clients.user.v2.me();
    this.#brand = { id: me.data.id, username: me.data.username };
    await this.ctx.store.setCursor('brand', JSON.stringify(this.#brand));
    return this.#brand;
  }
}
