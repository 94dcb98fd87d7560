import { type Kysely, sql } from 'kysely';

/**
 * The usage ledger of metered channels (X, WhatsApp; docs/decisions/0019-usage-ledger.md):
 * - `channel_usage`: units and cost per account, UTC month and kind, each cost counted at the
 *   unit price in force when it was recorded;
 * - `channel_usage_months`: the month's total per account, the row every record of that account
 *   and month updates, so concurrent recorders on several nodes add up exactly and each sees the
 *   total its own record made;
 * - `channel_account_budgets`: an account's monthly budget (null: none) and its unit prices where
 *   they differ from the adapter's list prices;
 * - `channel_account_events`: the account-level event log (the conversation log needs a
 *   conversation). `once_key` makes an announcement happen once across nodes: the 80% and 100%
 *   notices of one month and one budget are inserted with the same key, and only the first
 *   insert of a key writes a row.
 * Replies held while a budget is spent or the channel is out of credits stay `queued` with the
 * reason in `messages.hold_reason`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE channel_usage (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      kind text NOT NULL CHECK (length(kind) BETWEEN 1 AND 50),
      units bigint NOT NULL CHECK (units >= 0),
      cost numeric(20, 6) NOT NULL CHECK (cost >= 0),
      PRIMARY KEY (channel_account_id, month, kind)
    );

    CREATE TABLE channel_usage_months (
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      currency text NOT NULL,
      spent numeric(20, 6) NOT NULL CHECK (spent >= 0),
      PRIMARY KEY (channel_account_id, month)
    );

    CREATE TABLE channel_account_budgets (
      channel_account_id uuid PRIMARY KEY REFERENCES channel_accounts(id) ON DELETE CASCADE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      monthly_budget numeric(20, 6) CHECK (monthly_budget >= 0),
      currency text NOT NULL,
      unit_prices jsonb NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE channel_account_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
      channel_account_id uuid NOT NULL REFERENCES channel_accounts(id) ON DELETE CASCADE,
      type text NOT NULL,
      actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_token', 'system')),
      actor_id uuid,
      data jsonb NOT NULL DEFAULT '{}',
      once_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (channel_account_id, once_key)
    );
    CREATE INDEX channel_account_events_account_idx ON channel_account_events (channel_account_id, seq);

    ALTER TABLE messages ADD COLUMN hold_reason text
      CHECK (hold_reason IS NULL OR delivery_state = 'queued');
    -- Raising a budget re-queues the account's held replies at once.
    CREATE INDEX messages_held_idx ON messages (channel_account_id) WHERE hold_reason IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX messages_held_idx;
    ALTER TABLE messages DROP COLUMN hold_reason;
    DROP TABLE channel_account_events, channel_account_budgets, channel_usage_months, channel_usage;
  `.execute(db);
}
