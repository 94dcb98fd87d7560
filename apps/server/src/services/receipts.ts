import type { EmitResult } from '@centralita/channel-kit';
import type { Conversation, DeliveryUpdatedEvent } from '@centralita/core';
import { type ChannelAccountRecord, getConversation, recordDeliveries, type StoredMessage } from '@centralita/db';
import type { AppContext } from '../context.ts';
import type { CommitStream } from '../pipeline/commits.ts';

/** What the host did with one item. */
export type Received = EmitResult & { message: StoredMessage | null };

/**
 * Applies a run of delivery receipts of one account in one transaction (a WhatsApp delivery
 * brings fifty statuses), answers each with its own result, and tells the consoles of each
 * message that changed, once, as it stands after the run. If the transaction fails, every
 * receipt of the run gets the error.
 */
export async function applyReceipts(
  deps: Pick<AppContext, 'db'> & { commits: CommitStream },
  account: ChannelAccountRecord,
  events: readonly DeliveryUpdatedEvent[],
): Promise<(Received | Error)[]> {
  let updated: (StoredMessage | null)[];
  try {
    updated = await recordDeliveries(
      deps.db.kysely,
      { workspaceId: account.workspaceId, channelAccountId: account.id },
      events.map((event) => ({
        externalId: event.externalMessageId,
        state: event.state,
        ...(event.reason ? { reason: event.reason } : {}),
      })),
    );
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return events.map(() => error);
  }
  const last = new Map<string, StoredMessage>();
  for (const m of updated) if (m) last.set(m.id, m);
  // Each conversation read once, however many of its messages changed.
  const conversations = new Map<string, Conversation>();
  for (const m of last.values()) {
    if (!conversations.has(m.conversationId)) {
      conversations.set(m.conversationId, await getConversation(deps.db.kysely, account.workspaceId, m.conversationId));
    }
  }
  if (last.size > 0) {
    deps.commits.publish(
      [...last.values()].map((message) => ({
        kind: 'message' as const,
        conversation: conversations.get(message.conversationId) as Conversation,
        message,
        created: false,
      })),
    );
  }
  return updated.map((m) => ({
    duplicate: !m,
    conversationId: m?.conversationId ?? null,
    messageId: m?.id ?? null,
    customerLink: null,
    message: m,
  }));
}
