import { type ChannelAdapter, type ChannelCapabilities, textLimitFor } from '@centralita/channel-kit';
import { CentralitaError, type Conversation, type Visibility } from '@centralita/core';
import { type ChannelAccountRecord, contactAddressOfKinds, type Database, listChannelAccounts } from '@centralita/db';
import type { Kysely } from 'kysely';

// Where a reply can go when a conversation spans channels: the account the customer wrote on
// last by default, or any other account the contact can be reached on (docs/handoff.md).

/** One account a reply could go out on, with its limits. */
export interface ReplyChannel {
  channelAccountId: string;
  kind: string;
  accountName: string;
  visibility: Visibility[];
  /** Longest text per visibility, in the channel's own count; null for none. */
  limits: Partial<Record<Visibility, number | null>>;
  /** The contact's address there (an email, a phone, an X user id), when the channel addresses people. */
  address: string | null;
  /** The account the customer wrote on last: where replies go unless the agent picks another. */
  latest: boolean;
}

export interface ReplyChannelDeps {
  db: Kysely<Database>;
  adapter(kind: string): ChannelAdapter | undefined;
  capabilities(account: ChannelAccountRecord, adapter: ChannelAdapter): ChannelCapabilities;
}

/** The account the customer wrote on last (not an out-of-office), else the conversation's own. */
export async function latestAccount(db: Kysely<Database>, conv: Conversation): Promise<string> {
  const row = await db
    .selectFrom('messages')
    .select('channel_account_id')
    .where('conversation_id', '=', conv.id)
    .where('direction', '=', 'inbound')
    .where('automated', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.channel_account_id ?? conv.channelAccountId;
}

/** Every account a reply on this conversation can go out on: ones it used, or where the contact has an address. */
export async function replyChannels(deps: ReplyChannelDeps, conv: Conversation): Promise<ReplyChannel[]> {
  const [accounts, used, latest] = await Promise.all([
    listChannelAccounts(deps.db, conv.workspaceId),
    deps.db.selectFrom('messages').select('channel_account_id').distinct().where('conversation_id', '=', conv.id).execute(),
    latestAccount(deps.db, conv),
  ]);
  const usedIds = new Set([conv.channelAccountId, ...used.map((r) => r.channel_account_id)]);
  const out: ReplyChannel[] = [];
  for (const account of accounts) {
    const adapter = deps.adapter(account.kind);
    if (!account.active || !adapter) continue;
    const address = await contactAddressOfKinds(deps.db, conv.contactId, adapter.addressKinds ?? [adapter.kind]);
    if (!address && !usedIds.has(account.id)) continue;
    const caps = deps.capabilities(account, adapter);
    out.push({
      channelAccountId: account.id,
      kind: account.kind,
      accountName: account.name,
      visibility: [...caps.visibilities],
      limits: Object.fromEntries(caps.visibilities.map((v) => [v, textLimitFor(caps, v)])),
      address: address?.externalId ?? null,
      latest: account.id === latest,
    });
  }
  // The latest first, then the ones the conversation used, then the rest.
  return out.sort(
    (a, b) => Number(b.latest) - Number(a.latest) || Number(usedIds.has(b.channelAccountId)) - Number(usedIds.has(a.channelAccountId)),
  );
}

/**
 * The account a reply goes out on: the one asked for, if the contact can be reached there (or
 * the caller gives the address itself: a handoff's first mail), else the latest one.
 */
export async function replyAccount(
  deps: ReplyChannelDeps,
  conv: Conversation,
  requested: string | undefined,
  explicitAddress: boolean,
): Promise<string> {
  if (!requested) return latestAccount(deps.db, conv);
  if (explicitAddress) {
    const own = await deps.db
      .selectFrom('channel_accounts')
      .select('id')
      .where('workspace_id', '=', conv.workspaceId)
      .where('id', '=', requested)
      .where('active', '=', true)
      .executeTakeFirst();
    if (own) return own.id;
  } else if ((await replyChannels(deps, conv)).some((c) => c.channelAccountId === requested)) {
    return requested;
  }
  throw new CentralitaError(
    'validation_failed',
    `The customer cannot be reached on channel account ${requested}: pick one from the conversation's reply channels, or hand the conversation off there.`,
  );
}
