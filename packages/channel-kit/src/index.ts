export { accountCapabilities } from './account-capabilities.ts';
export {
  ACCOUNT_STATES,
  type AccountState,
  type AccountStateReport,
  MAX_STATE_DETAIL,
  stateReportProblems,
} from './account-state.ts';
export { invalidUtf8Fields, type ReadBody, readJsonBody, readUrlEncodedBody } from './body.ts';
export { type ChannelCapabilities, DEFAULT_CAPABILITIES, defineCapabilities, textLimitFor } from './capabilities.ts';
export { type ClaimOutcome, claimThenCommit } from './claim.ts';
export { parseWithSchema } from './config.ts';
export type {
  AccountStore,
  AdapterAccount,
  ChannelAdapter,
  ChannelConnection,
  ChannelContext,
  ConfigSpec,
  ConnectionCheck,
  ConnectionReport,
  EmitResult,
  HealthReport,
  Logger,
  OutboundAttachment,
  OutboundMessage,
  SendResult,
  WebhookRequest,
  WebhookResponse,
} from './contract.ts';
export { describeChannel } from './describe-channel.ts';
export { errorBody } from './error-body.ts';
export { ConfigError, SendError } from './errors.ts';
export { type FieldInput, fieldInputs, PLAIN_INPUT } from './field-input.ts';
export {
  type ListeningSource,
  NO_LISTENING,
  type SavedSearch,
  type SavedSearchTerms,
  type SearchDescription,
  searchTerms,
  searchTermsProblems,
} from './listening.ts';
export { sendParts } from './parts.ts';
export { PHONE_IDENTITY, phoneCountry, toE164 } from './phone.ts';
export {
  type ChannelPresentation,
  DEFAULT_CHANNEL_ICON,
  type FieldPresentation,
  iconProblems,
  type PresentationLocale,
  type TextCounting,
} from './presentation.ts';
export { keepConnected, type ReconnectOptions } from './reconnect.ts';
export {
  REPLY_ALLOWED,
  type ReplyAlternative,
  type ReplyDecision,
  type ReplyQuestion,
  type ReplyTarget,
} from './reply-policy.ts';
export { hmacSha256, verifySignature } from './signature.ts';
export {
  MAX_TEMPLATE_PARAMETER,
  type MessageTemplate,
  placeholderKeys,
  renderTemplate,
  type TemplateChoice,
  type TemplateParameter,
  templateChoiceProblems,
} from './templates.ts';
export { countCodePoints, splitText } from './text.ts';
export {
  BUDGET_WARNING_RATIO,
  type BudgetState,
  budgetHoldReason,
  budgetState,
  type ChannelMetering,
  formatMoney,
  fromMicros,
  ledgerKind,
  marketOf,
  meteringProblems,
  nextMonthStart,
  toMicros,
  type UsageContext,
  type UsageKind,
  type UsageMeter,
  type UsageStatus,
  unitPriceFor,
  unmeteredMeter,
  usageMonth,
} from './usage.ts';
