import type { Generated } from 'kysely';
import type { Json, Timestamp } from './schema-columns.ts';

// The tables behind the console's own state (canned responses, read marks, drafts, contact notes
// and the contact's log), apart from the conversation model in schema.ts.

export interface CannedResponsesTable {
  id: Generated<string>;
  workspace_id: string;
  shortcut: string;
  text: string;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** A user's read mark in a conversation: messages up to `read_up_to` are read (0010). */
export interface ConversationReadsTable {
  workspace_id: string;
  user_id: string;
  conversation_id: string;
  read_up_to: Timestamp;
  message_id: string | null;
  updated_at: Generated<Date>;
}

/** A user's unsent composer text in a conversation, one per user and conversation. */
export interface ConversationDraftsTable {
  workspace_id: string;
  user_id: string;
  conversation_id: string;
  kind: 'reply' | 'note';
  text: string;
  visibility: 'public' | 'private' | null;
  allow_split: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface ContactNotesTable {
  id: Generated<string>;
  workspace_id: string;
  contact_id: string;
  author_type: 'user' | 'api_token';
  author_id: string | null;
  text: string;
  created_at: Generated<Date>;
}

/** A contact's own append-only log (edits, notes): the conversation log needs a conversation. */
export interface ContactEventsTable {
  id: Generated<string>;
  seq: Generated<string>;
  workspace_id: string;
  contact_id: string;
  type: string;
  actor_type: 'contact' | 'user' | 'api_token' | 'system';
  actor_id: string | null;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
}
