/**
 * `@centralita/channel-whatsapp/testing`: a local WhatsApp Cloud API for tests.
 *
 * `startGraphPeer()` serves the Graph API endpoints the channel uses (plain HTTP on 127.0.0.1;
 * point the client's `baseUrl` at `peer.url`) and plays Meta's webhook sender: it verifies a
 * webhook (`verifyWebhook`), posts signed deliveries (`deliver`) built from realistic payloads
 * (`inbound.*`, `statuses.*`, wrapped by `delivery`), and can follow each send with statuses on its
 * own (`statusWebhook`). Faults (`failNext`) and Meta's send limits (`pairRateMs`, `throughput`)
 * answer with Meta's error bodies, so the adapter's real HTTP client meets the real wire format.
 *
 * @example
 * const peer = await startGraphPeer();
 * const graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
 * const payload = peer.delivery([peer.inbound.text({ from: { bsuid: 'ES.1234567890', name: 'Lucía' }, text: 'Hola' })]);
 * await peer.deliver(`${server}/webhooks/whatsapp/acc-1`, payload); // signed with peer.appSecret
 */

export {
  type FakeWebAccount,
  fakeWebAccount,
  PEER_VERIFY_TOKEN,
  type PeerAccountOptions,
  peerAccount,
  type WhatsAppPeerAccount,
} from './account.ts';
export { CHANNEL_ERROR_CODES, type GraphErrorAnswer, type GraphErrorSpec, graphErrorAnswer, META_ERRORS, webhookError } from './errors.ts';
export {
  createFakeWebClient,
  type FakeIncoming,
  FakeMessage,
  type FakeSent,
  FakeWebClient,
  type FakeWebClientOptions,
} from './fake-web-client.ts';
export { startWebAccount, type WebAccountHarness, type WebAccountOptions } from './fake-web-client-harness.ts';
export type { ContactCard, InboundBase, InboundBuilders, MediaInbound } from './inbound.ts';
export type { FaultSpec } from './limits.ts';
export type { ChangePart, DeliveryGrouping, WebhookContact, WebhookPayload, WebhookValue } from './payloads.ts';
export { type GraphPeer, type GraphPeerOptions, type StatusWebhook, startGraphPeer } from './peer.ts';
export type { AddMediaOptions } from './routes-media.ts';
export {
  isBsuid,
  type PeerPhoneNumber,
  type PeerRequestLog,
  type PeerRoute,
  type PeerUser,
  type PeerUserInput,
  type ReadReceipt,
  type SentMessage,
  type StoredMedia,
  type SubscribedApp,
} from './state.ts';
export { pricingFor, type StatusBuilders, type StatusOptions, type StatusPricing, type StatusTarget } from './statuses.ts';
export { defaultTemplates } from './templates.ts';
export {
  type DeliveryResult,
  metaJson,
  type SignatureMode,
  type VerifyResult,
  type WebhookDelivery,
  webhookSignature,
} from './webhook-sender.ts';
