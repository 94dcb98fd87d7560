import type { Generated } from 'kysely';

type Timestamp = Date;

/** One handoff an agent sent (0017; docs/handoff.md). */
export interface HandoffsTable {
  id: Generated<string>;
  workspace_id: string;
  conversation_id: string;
  from_channel_account_id: string | null;
  target: 'web' | 'email' | 'x_dm' | 'whatsapp';
  channel_account_id: string;
  method: 'link' | 'mail' | 'dm' | 'dm_link' | 'wa_link';
  code: string | null;
  expected_kind: string | null;
  expected_external_id: string | null;
  link: string | null;
  /** Sent in a public post: anyone may have read the code, so using it proves nobody. */
  public: Generated<boolean>;
  expires_at: Timestamp;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Generated<Date>;
  joined_at: Timestamp | null;
  joined_message_id: string | null;
}
