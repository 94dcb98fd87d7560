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
