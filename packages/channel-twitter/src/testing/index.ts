/**
 * `@centralita/channel-twitter/testing`: a local X API v2 peer (HTTPS on loopback) for tests that
 * drive the real twitter-api-v2 client through `baseUrlPlugin(peer.url, { ca: peer.ca })`.
 */

export { customerOn, type PeerAccount, peerAccount, peerConfig } from './account.ts';
export type { XDelivery, XSubscription, XWebhook } from './activity.ts';
export { ACTIVITY_EVENT_TYPES, isPrivateEvent } from './activity.ts';
export { peerClients } from './clients.ts';
export type { XCredentials, XTier } from './core.ts';
export type { XHashtagEntity, XMentionEntity, XPostEntities, XUrlEntity } from './entities.ts';
export type { Caps, CapsOverride, FaultSpec, RouteCap, XRoute } from './limits.ts';
export { DEFAULT_CAPS, X_ROUTES } from './limits.ts';
export type { XPeer, XPeerOptions } from './peer.ts';
export { startXPeer } from './peer.ts';
export type { XProblem } from './problems.ts';
export type { XRequestLog } from './server.ts';
export { crcResponseToken, verifyWebhookSignature, webhookSignature } from './signing.ts';
export type {
  AddUserInput,
  CreatedPost,
  PostInput,
  SendDmInput,
  SentDm,
  XChatMessage,
  XDmEvent,
  XPost,
  XReferencedPost,
  XUser,
} from './state.ts';
export type { XUsage } from './usage.ts';
