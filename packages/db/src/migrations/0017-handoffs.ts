import { type Kysely, sql } from 'kysely';

/**
 * Cross-channel handoff (docs/handoff.md): an agent moves a conversation to another channel and
 * the customer's first message there finds the thread.
 * - `handoffs`: one row per handoff sent: where to (the target channel and account), how the
 *   customer is expected to arrive (a reference code, an expected identity such as the X user or
 *   the email address the first mail went to), until when, and who used it first.
 * - `portal_tokens` gains the account a customer page writes to (a web handoff from X opens a
 *   page on a web-form account) and the handoff that issued it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE handoffs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      from_channel_account_id uuid REFERENCES channel_accounts(id) ON DELETE SET NULL,
      target text NOT NULL CHECK (target IN ('web', 'email', 'x_dm', 'whatsapp')),
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      method text NOT NULL CHECK (method IN ('link', 'mail', 'dm', 'dm_link', 'wa_link')),
      code text,
      expected_kind text,
      expected_external_id text,
      link text,
      -- Sent in a public post: anyone may have read the code, so it proves nobody.
      public boolean NOT NULL DEFAULT false,
      expires_at timestamptz NOT NULL,
      created_by_type text NOT NULL,
      created_by_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      joined_at timestamptz,
      joined_message_id uuid,
      CHECK ((expected_kind IS NULL) = (expected_external_id IS NULL))
    );
    CREATE UNIQUE INDEX handoffs_code ON handoffs (workspace_id, code) WHERE code IS NOT NULL;
    -- The short link (/h/:code) looks a code up without knowing its workspace.
    CREATE INDEX handoffs_code_only ON handoffs (code) WHERE code IS NOT NULL;
    CREATE INDEX handoffs_conversation ON handoffs (conversation_id, created_at);
    CREATE INDEX handoffs_expected ON handoffs (channel_account_id, expected_kind, expected_external_id)
      WHERE expected_kind IS NOT NULL;

    ALTER TABLE portal_tokens
      ADD COLUMN channel_account_id uuid REFERENCES channel_accounts(id) ON DELETE CASCADE,
      ADD COLUMN handoff_id uuid REFERENCES handoffs(id) ON DELETE CASCADE;
  `.execute(db);
}
