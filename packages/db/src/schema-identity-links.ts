import type { Generated } from 'kysely';

/** One identity that took part in a conversation on one account (0015; see docs/identity.md). */
export interface ConversationIdentitiesTable {
  workspace_id: string;
  conversation_id: string;
  channel_account_id: string;
  kind: string;
  external_id: string;
  created_at: Generated<Date>;
}
