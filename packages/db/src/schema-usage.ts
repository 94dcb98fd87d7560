import type { ColumnType, Generated } from 'kysely';
import type { Json } from './schema-columns.ts';

// The usage ledger of metered channels and the account-level event log (0012), apart from the
// conversation model in schema.ts. Money is `numeric`, which pg returns as a string: the repo
// converts it, so nothing else sees the column types.

/** A money or count column: read as a string, written as a string or number. */
type Decimal = ColumnType<string, string | number, string | number>;

/** Units and cost of one kind of usage of one account in one UTC month. */
export interface ChannelUsageTable {
  workspace_id: string;
  channel_account_id: string;
  month: string;
  kind: string;
  units: Decimal;
  cost: Decimal;
}

/** One account's total for a month: the row concurrent recorders serialise on. */
export interface ChannelUsageMonthsTable {
  workspace_id: string;
  channel_account_id: string;
  month: string;
  currency: string;
  spent: Decimal;
}

/** An account's monthly budget and its own unit prices by kind. */
export interface ChannelAccountBudgetsTable {
  channel_account_id: string;
  workspace_id: string;
  monthly_budget: ColumnType<string | null, string | number | null, string | number | null>;
  currency: string;
  unit_prices: Json<Record<string, number>>;
  updated_at: Generated<Date>;
}

/** The account-level event log; `once_key` makes an announcement happen once across nodes. */
export interface ChannelAccountEventsTable {
  id: Generated<string>;
  seq: Generated<string>;
  workspace_id: string;
  channel_account_id: string;
  type: string;
  actor_type: 'user' | 'api_token' | 'system';
  actor_id: string | null;
  data: Json<Record<string, unknown>>;
  once_key: string | null;
  created_at: Generated<Date>;
}

/** What one conversation cost by kind (0014), beside the account's month in `channel_usage`. */
export interface ConversationUsageTable {
  workspace_id: string;
  conversation_id: string;
  channel_account_id: string;
  kind: string;
  currency: string;
  units: Decimal;
  cost: Decimal;
}

/** Bytes an adapter keeps per account (0014): a linked-device session archive. */
export interface ChannelBlobsTable {
  workspace_id: string;
  channel_account_id: string;
  key: string;
  content: Buffer;
  updated_at: Generated<Date>;
}
