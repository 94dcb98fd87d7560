import { type Kysely, sql } from 'kysely';

/**
 * `conversation_identities`: which identities (kind, external id) took part in a conversation, on
 * which account (docs/identity.md). Threading rules that trust the sender look conversations up
 * through it, by identity and never by contact, so once two contacts are merged one person's
 * WhatsApp number never threads into the conversation of their other number; undoing a merge uses
 * it to tell which later conversations belong to the identities that go back.
 *
 * Keyed by (kind, external_id), not the identity's row id, so a merge that moves identities
 * between contacts leaves these rows as they are. Only identities a channel proved take part
 * (an unproven sender must never be what a genuine message threads by). Backfilled from today's
 * data, where every conversation's verified identities are its contact's, on the conversation's
 * own account: the same conversations the contact-based rules found before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE conversation_identities (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      kind text NOT NULL,
      external_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (conversation_id, channel_account_id, kind, external_id)
    );
    CREATE INDEX conversation_identities_lookup
      ON conversation_identities (workspace_id, kind, external_id, channel_account_id);

    INSERT INTO conversation_identities (workspace_id, conversation_id, channel_account_id, kind, external_id, created_at)
    SELECT c.workspace_id, c.id, c.channel_account_id, i.kind, i.external_id, c.created_at
    FROM conversations c JOIN identities i ON i.contact_id = c.contact_id AND i.verified
    ON CONFLICT DO NOTHING;
  `.execute(db);
}
