import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { StoredCustomPattern } from '../schema-privacy.ts';

/** What the privacy guard assumes for a workspace (`GET /privacy/settings`). */
export interface WorkspacePrivacySettings {
  /** ISO 3166-1 alpha-2: phone numbers without a prefix and national ID formats are read as this country's. */
  country: string;
  customPatterns: StoredCustomPattern[];
}

/** The country a workspace without settings gets. */
export const DEFAULT_PRIVACY_COUNTRY = 'ES';

/** A workspace's privacy settings; the defaults (ES, no patterns) when none were saved. */
export async function getPrivacySettings(db: Kysely<Database>, workspaceId: string): Promise<WorkspacePrivacySettings> {
  const row = await db
    .selectFrom('workspace_privacy')
    .select(['country', 'custom_patterns'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row ? { country: row.country, customPatterns: row.custom_patterns } : { country: DEFAULT_PRIVACY_COUNTRY, customPatterns: [] };
}

/** Replaces a workspace's privacy settings (the caller validated the patterns). */
export async function savePrivacySettings(
  db: Kysely<Database>,
  workspaceId: string,
  settings: WorkspacePrivacySettings,
  updatedBy: string | null,
  now: Date,
): Promise<WorkspacePrivacySettings> {
  const values = {
    country: settings.country,
    custom_patterns: JSON.stringify(settings.customPatterns),
    updated_by: updatedBy,
    updated_at: now,
  };
  const row = await db
    .insertInto('workspace_privacy')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .returning(['country', 'custom_patterns'])
    .executeTakeFirstOrThrow();
  return { country: row.country, customPatterns: row.custom_patterns };
}
