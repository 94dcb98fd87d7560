import type { ColumnType, Generated } from 'kysely';

// The table behind proactive listening (0013), apart from the conversation model in schema.ts.

/** A search a supervisor saved for a channel account, which its adapter runs on a schedule. */
export interface SavedSearchesTable {
  id: Generated<string>;
  workspace_id: string;
  channel_account_id: string;
  name: string;
  /** Channel-neutral terms (channel-kit's `SavedSearchTerms`). */
  terms: ColumnType<Record<string, unknown>, string, string>;
  interval_seconds: Generated<number>;
  paused: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
