import type { AdapterAccount, ChannelConnection, ChannelContext, HealthReport } from '@centralita/channel-kit';
import type { WhatsAppConfig } from '../config.ts';
import { createGraphClient, type GraphClient } from './graph.ts';
import { GraphError } from './graph-errors.ts';
import { sendCloud } from './send.ts';
import { handleCloudWebhook } from './webhook.ts';

/** The account's Graph API client, with its token. */
export function graphFor(config: WhatsAppConfig): GraphClient {
  return createGraphClient({ baseUrl: config.graphUrl, version: config.graphVersion, accessToken: config.accessToken ?? '' });
}

/**
 * A Cloud API account: it takes Meta's webhooks on every node (nothing to poll), points the app's
 * webhook for the business account at this server on start when asked to, and sends through the
 * Graph API.
 */
export function connectCloud(account: AdapterAccount<WhatsAppConfig>, ctx: ChannelContext): ChannelConnection {
  const config = account.config;
  const graph = graphFor(config);
  return {
    async start() {
      await ctx.reportState({ state: 'connecting', detail: 'Checking the business number with the Graph API.' });
      try {
        const number = await graph.getPhoneNumber(config.phoneNumberId ?? '');
        if (config.subscribeWebhook && config.businessAccountId) {
          await graph.subscribeApp(config.businessAccountId, { callbackUrl: ctx.webhookUrl, verifyToken: config.verifyToken ?? '' });
        }
        await ctx.reportState({
          state: 'ready',
          detail: `Receiving and sending as ${number.displayPhoneNumber} (${number.verifiedName}); quality ${number.qualityRating.toLowerCase()}.`,
        });
      } catch (err) {
        await ctx.reportState(stateFor(err));
        throw err;
      }
    },
    async stop() {},
    handleWebhook: (req) => handleCloudWebhook(config, ctx, graph, req),
    send: (message) => sendCloud({ ctx, config, graph }, message),
    async checkHealth(): Promise<HealthReport> {
      try {
        const number = await graph.getPhoneNumber(config.phoneNumberId ?? '');
        return { ok: true, detail: `${number.displayPhoneNumber}: quality ${number.qualityRating.toLowerCase()}.` };
      } catch (err) {
        return { ok: false, detail: stateFor(err).detail };
      }
    },
  };
}

function stateFor(err: unknown): { state: 'logged_out' | 'degraded' | 'out_of_credits'; detail: string } {
  if (err instanceof GraphError && err.kind === 'unauthorized') {
    return { state: 'logged_out', detail: 'Meta refused the access token (190): set a valid system user token.' };
  }
  if (err instanceof GraphError && err.kind === 'payment') {
    return { state: 'out_of_credits', detail: 'Meta reports a payment problem on the business account (131042).' };
  }
  const said = err instanceof GraphError ? (err.details ?? err.message) : err instanceof Error ? err.message : String(err);
  return { state: 'degraded', detail: `The Graph API did not answer as expected (${said.slice(0, 200)}); trying again.` };
}
