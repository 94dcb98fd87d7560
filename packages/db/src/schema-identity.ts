import type { ColumnType, Generated } from 'kysely';
import type { Json, NullableTimestamp } from './schema-columns.ts';

// Merging contacts and the suggestions that lead to it (0016), apart from the conversation model
// in schema.ts. The tombstone itself is `contacts.merged_into`.

/** Why two contacts may be one person. */
export type MergeReason = 'shared_phone' | 'shared_email' | 'handoff_code' | 'handoff_expired' | 'manual';

/** Who decided or did something, as the tables keep it (a contact never merges anyone). */
export type DeciderType = 'user' | 'api_token' | 'system';

/** One piece of evidence for a suggestion: what was seen, where. */
export interface MergeEvidence {
  kind: string;
  text: string;
  messageId?: string;
  conversationId?: string;
  /** The matching value itself (a phone, an address): personal data, masked for some readers. */
  value?: string;
}

export interface MergeSuggestionsTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  other_contact_id: string;
  pair_low: ColumnType<string, never, never>;
  pair_high: ColumnType<string, never, never>;
  reason: MergeReason;
  status: Generated<'open' | 'accepted' | 'dismissed'>;
  evidence: Json<MergeEvidence[]>;
  conversation_id: string | null;
  join_conversation_id: string | null;
  created_at: Generated<Date>;
  decided_at: NullableTimestamp;
  decided_by_type: DeciderType | null;
  decided_by: string | null;
  merge_id: string | null;
}

/** A thread key of a folded conversation: (account, external thread id). */
export interface FoldedThreadKey {
  channelAccountId: string;
  externalThreadId: string;
}

/** A `conversation_identities` row's key, as a fold moves it. */
export interface FoldedLink {
  channelAccountId: string;
  kind: string;
  externalId: string;
  createdAt: string;
}

/** One conversation folded into another by a merge, with what to put back on undo. */
export interface FoldRecord {
  from: string;
  into: string;
  messageIds: string[];
  threadKeys: FoldedThreadKey[];
  /** The folded conversation's identity links, removed from it. */
  links: FoldedLink[];
  /** Those of `links` the target conversation did not have: removed from it on undo. */
  addedLinks: FoldedLink[];
  previous: { status: string; snoozedUntil: string | null; resolvedAt: string | null };
}

export interface ContactMergesTable {
  id: Generated<string>;
  workspace_id: string;
  source_contact_id: string;
  target_contact_id: string;
  suggestion_id: string | null;
  identity_ids: string[];
  conversation_ids: string[];
  message_ids: string[];
  note_ids: string[];
  folded: Json<FoldRecord[]>;
  profile: Json<Record<string, { from: string | null; to: string | null }>>;
  created_by_type: DeciderType;
  created_by: string | null;
  created_at: Generated<Date>;
  undone_at: NullableTimestamp;
  undone_by_type: DeciderType | null;
  undone_by: string | null;
  undo: ColumnType<unknown | null, string | null | undefined, string | null>;
}
