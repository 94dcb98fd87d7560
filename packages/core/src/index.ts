export { CentralitaError, type ErrorCode } from './errors.ts';
export {
  type Actor,
  type ActorType,
  type ConversationEvent,
  type ConversationEventType,
  type IncidentEventType,
  SYSTEM_ACTOR,
} from './events.ts';
export { findHandoffCodes, HANDOFF_CODE_PATTERN, newHandoffCode } from './handoff.ts';
export { type IdentityPlan, normaliseExternalId, planIdentity } from './identity.ts';
export type {
  AutomatedKind,
  DeliveryUpdatedEvent,
  InboundAttachment,
  InboundEvent,
  InboundSender,
  MessageReceivedEvent,
  SenderIdentity,
  ThreadHints,
} from './inbound.ts';
export * from './incidents/index.ts';
export {
  capStoredText,
  findInputProblem,
  type InputProblem,
  MAX_INPUT_DEPTH,
  replaceUnsafeDeep,
  replaceUnsafeText,
  textProblem,
} from './input-safety.ts';
export {
  type AuthorType,
  type ChannelAccount,
  type Contact,
  type ContactSignals,
  type Conversation,
  type ConversationOrigin,
  type ConversationStatus,
  type DeliveryState,
  hasRole,
  type Identity,
  type Message,
  type MessageDirection,
  type Priority,
  ROLES,
  type Role,
  type Team,
  type User,
  type Visibility,
  type Workspace,
} from './model.ts';
export { defaultPermissions, PERMISSIONS, type Permission, permissionsOf } from './permissions.ts';
export { applyStatusAction, LIVE_STATUSES, type StatusAction, type StatusPatch } from './status.ts';
export { escapeHtml, normaliseWhitespace, truncate } from './text.ts';
export { planThreading, type ThreadCandidate, type ThreadPlan, type ThreadRule } from './threading.ts';
