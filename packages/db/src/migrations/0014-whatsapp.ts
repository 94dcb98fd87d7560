import { type Kysely, sql } from 'kysely';

/**
 * What the WhatsApp channel needs of the host (docs/decisions/0021-whatsapp-channel.md):
 * - `channel_blobs`: bytes an adapter keeps per account (whatsapp-web.js's linked-device session
 *   archive), so the session follows the account's single-owner lock to whichever node runs it
 *   and survives restarts; capped at 64 MiB a blob;
 * - `conversation_usage`: the usage ledger's costs per conversation and kind (a WhatsApp message
 *   is priced by category and market), beside the per-account month in `channel_usage`, so a
 *   conversation shows what it cost.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE channel_blobs (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
      content bytea NOT NULL CHECK (octet_length(content) <= 67108864),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel_account_id, key)
    );

    CREATE TABLE conversation_usage (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
      currency text NOT NULL,
      units bigint NOT NULL CHECK (units >= 0),
      cost numeric(20, 6) NOT NULL CHECK (cost >= 0),
      PRIMARY KEY (conversation_id, channel_account_id, kind)
    );
  `.execute(db);
}
