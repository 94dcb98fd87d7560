import type { MessageTemplate } from '@centralita/channel-kit/templates';
import type * as Server from '@centralita/server/api-types';
import type { Wire } from './wire.ts';

// The server's own answer types as they arrive over JSON (see wire.ts). Import from here.
export type Conversation = Wire<Server.Conversation>;
export type ConversationStatus = Server.ConversationStatus;
export type Message = Wire<Server.Message>;
export type Agent = Wire<Server.Agent>;
export type Team = Wire<Server.Team>;
export type AgentStatus = Server.AgentStatus;
export type Me = Wire<Server.Me>;
export type ChannelAccount = Wire<Server.ChannelAccount>;
export type ChannelKind = Wire<Server.ChannelKind>;
export type Visibility = Server.Visibility;
export type InboxRow = Wire<Server.InboxRow>;
export type StoredExplanation = Wire<Server.StoredExplanation>;
export type Role = Me['role'];

// X's channel and anything metered or listening: how a reply may go, usage against a budget, saved searches.
export type ReplyOptions = Wire<Server.ReplyOptions>;
export type ReplyOption = ReplyOptions['options'][number];
export type ReplyDecision = ReplyOption['decision'];
export type ReplyAlternative = Extract<ReplyDecision, { allowed: false }>['alternatives'][number];
export type UsageStatus = Server.UsageStatus;
export type BudgetState = Server.BudgetState;
export type UsageReport = Wire<Server.UsageReport>;
export type SavedSearch = Wire<Server.SavedSearch>;
export type ConversationOrigin = Server.ConversationOrigin;

// WhatsApp's 24-hour window: the templates an account may send outside it, and what a conversation cost.
export type { MessageTemplate, TemplateParameter } from '@centralita/channel-kit/templates';
/** GET /channel-accounts/:id/templates. */
export interface TemplateList {
  channelAccountId: string;
  fetchedAt: string;
  templates: MessageTemplate[];
}
/** GET /conversations/:id/cost: what the conversation cost on metered channels, line by line, and per currency. */
export interface ConversationCost {
  conversationId: string;
  lines: { channelAccountId: string; kind: string; label: string; currency: string; units: number; cost: number }[];
  totals: { currency: string; cost: number }[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// Routing rules, for the rule editor and its preview.
export type RuleSetDocument = Server.RuleSetDocument;
export type RuleIssue = Server.RuleIssue;
export type RuleSetDraft = Wire<Server.RuleSetDraft>;
export type RuleSetVersion = Wire<Server.RuleSetVersion>;
export type RoutingExplanation = Wire<Server.RoutingExplanation>;
export type ExclusionReason = Server.ExclusionReason;
export type RuleVocabulary = Server.RuleVocabulary;
export type QueueRow = Wire<Server.QueueRow>;

// One customer on any channel: where a reply can go, handoffs, merges and the privacy guard.
export type ReplyChannel = ReplyOptions['channels'][number];
export type MessagePrivacy = Server.MessagePrivacy;
export type PrivacyFinding = Server.PrivacyFinding;
export type PiiType = PrivacyFinding['type'];
export type MergeSuggestion = Wire<Server.MergeSuggestion>;
export type MergeReason = Server.MergeReason;
export type ContactMerge = Wire<Server.ContactMerge>;
export type HandoffMethod = Server.HandoffMethod;
export type HandoffTarget = Server.HandoffTarget;
/** GET /conversations/:id/handoffs. */
export type Handoff = Wire<Server.Handoff>;
/** One item of GET /conversations/:id/handoff-options. */
export type HandoffOption = Server.HandoffOption;
