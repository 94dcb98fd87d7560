import type { Generated } from 'kysely';
import type { Json } from './schema-columns.ts';

// The privacy guard's workspace settings (0018), apart from the conversation model in schema.ts.
// Findings themselves live in each message's `metadata.pii`; per-user permission overrides are
// two columns of `users` (see UsersTable).

/** A workspace's own identifier pattern, as the privacy package's `CustomPattern`. */
export interface StoredCustomPattern {
  name: string;
  pattern: string;
  contextWords?: string[];
}

/** What the detectors assume for one workspace: its country and its own patterns. */
export interface WorkspacePrivacyTable {
  workspace_id: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: Generated<string>;
  custom_patterns: Json<StoredCustomPattern[]>;
  updated_by: string | null;
  updated_at: Generated<Date>;
}
