export { connectWeb, type WebConnectionOptions } from './connection.ts';
export { DEFAULT_MAX_MEDIA_BYTES, isCustomerChat } from './inbound.ts';
export { CHECKPOINT_KEY } from './intake.ts';
export { createRealClient } from './real-client.ts';
export { NOT_READY_HOLD, WEB_TEXT_LIMIT } from './send.ts';
export {
  createSessionStore,
  type RemoteAuthStore,
  SESSION_BLOB_PREFIX,
  safeClientId,
  sessionDataPath,
  sessionName,
} from './session-store.ts';
export {
  ACK,
  WEB_MODE_DEFAULTS,
  type WebChatLike,
  type WebClientEvents,
  type WebClientLike,
  type WebClientOptions,
  type WebMedia,
  type WebMessageLike,
  type WebModeConfig,
  WHATSAPP_LID_IDENTITY,
} from './types.ts';
