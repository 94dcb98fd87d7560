/**
 * The shapes the API answers with, for clients written in TypeScript (the console imports this
 * file type-only, so nothing of the server reaches its bundle). Each is the type of the function
 * that builds the answer, or the domain type it returns, never a copy: a field renamed here is a
 * compile error in every client. Over JSON, dates are ISO strings (the console's `Wire<T>`).
 */
import type { Conversation, ConversationOrigin, ConversationStatus, IncidentProposal, Visibility } from '@centralita/core';
import type { InboxRow as StoredInboxRow, WorkspacePrivacySettings } from '@centralita/db';
import type { AgentView, RuleSetDraft, RuleSetVersion, TeamView } from '@centralita/dispatcher';
import type {
  AgentStatus,
  CompactExplanation,
  ExclusionReason,
  Explanation,
  RuleIssue,
  RuleSetDocument,
  VOCABULARY,
} from '@centralita/routing';
import type { whoIs } from './routes/auth.ts';
import type { describeKind, present } from './routes/channel-accounts.ts';
import type { waitingByTeam } from './routes/console.ts';
import type { usageOf } from './routes/usage.ts';
import type { ApiMessage, FindingSpan, MessagePrivacy } from './services/privacy-view.ts';
import type { ReplyOptions } from './services/reply-options.ts';
import type { presentSearch } from './services/saved-searches.ts';

export type { AgentStatus, Conversation, ConversationOrigin, ConversationStatus, Visibility };
/** A message with `privacy`: what the privacy guard found, and whether this reader got it masked. */
export type Message = ApiMessage;
/** `Message.privacy` and the findings of POST /privacy/scan (type, UTF-16 span, confidence). */
export type { FindingSpan as PrivacyFinding, MessagePrivacy };
/** GET and PUT /privacy/settings: the workspace's country and its own patterns. */
export type PrivacySettings = WorkspacePrivacySettings;
export type Agent = AgentView;
export type Team = TeamView;
export type Me = Awaited<ReturnType<typeof whoIs>>;
export type ChannelAccount = ReturnType<typeof present>;
export type ChannelKind = ReturnType<typeof describeKind>;
/** A metered account's month against its budget, as `ChannelAccount.usage` carries it. */
export type { BudgetState, UsageStatus } from '@centralita/channel-kit';
/** GET /channel-accounts/:id/usage: per kind, the total, the budget and its state, with history and notices. */
export type UsageReport = Awaited<ReturnType<typeof usageOf>>;
/** A saved search of a listening account, with the channel's query and its problems now (GET /channel-accounts/:id/searches). */
export type SavedSearch = ReturnType<typeof presentSearch>;
/** GET /conversations/:id/reply-options: how a reply may go, each visibility allowed or refused with the alternatives. */
export type { ReplyOptions };
/** A row of GET /conversations: the conversation with its contact, preview, assignee, unread mark and SLA deadline. */
export type InboxRow = StoredInboxRow;

// Routing rules: the draft and versions as stored, a problem as the validator names it, the
// document as a person writes it, and a preview's full explanation (docs/routing.md).
export type { ExclusionReason, RuleIssue, RuleSetDocument, RuleSetDraft, RuleSetVersion };
export type RoutingExplanation = Explanation;
export type RuleVocabulary = typeof VOCABULARY;
/** What `conversation.routing.explanation` holds: the latest routing decision, with names (docs/routing.md#explanations). */
export type StoredExplanation = CompactExplanation;
/** A row of GET /routing/queues: one team's (or no team's) waiting conversations. */
export type QueueRow = Awaited<ReturnType<typeof waitingByTeam>>[number];

/** A contact merge (GET /contacts/:id/merges, POST /contacts/:id/merge, undo): counts of what moved, folded conversations, who and when. */
export type {
  ContactMerge,
  Handoff,
  HandoffMethod,
  HandoffTarget,
  IncidentEvent,
  IncidentSettingsRecord,
  LinkedConversationRow as LinkedConversation,
  MergeEvidence,
  MergeReason,
  MergeSuggestion,
} from '@centralita/db';
export type { BroadcastEstimate } from './services/broadcast-estimate.ts';
export type { BroadcastView } from './services/broadcast-view.ts';
export type { HandoffOption } from './services/handoff.ts';
// Incidents (docs/incidents.md): an incident as GET /incidents answers it, its metrics, a linked
// conversation (an inbox row with how it was linked), the workspace's settings and the incident's
// log; a broadcast with its progress, and the estimate before one is sent.
export type { IncidentMetrics, IncidentView } from './services/incident-view.ts';
export type { ReplyChannel } from './services/reply-channels.ts';
/** `IncidentView.evidence` when the spike detector proposed it: terms, regions, counts over time. */
export type IncidentEvidence = IncidentProposal['evidence'];
