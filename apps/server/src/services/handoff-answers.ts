import { type Actor, SYSTEM_ACTOR } from '@centralita/core';
import type { ChannelAccountRecord, IngestOutcome } from '@centralita/db';
import type { AppLogger } from '../logger.ts';
import { expiredAnswer, languageOf } from './handoff-texts.ts';

/**
 * A customer who used an expired handoff code is told so, on the channel they used, while their
 * message waits in a conversation of its own, suggested for the old one. The answer is the
 * system's: it does not stop the response clock (nobody has answered them yet). A failure to
 * answer never fails the ingest that stored the message.
 */
export async function answerExpiredHandoffs(
  inbox: {
    post(
      workspaceId: string,
      conversationId: string,
      input: { kind: 'reply'; text: string; channelAccountId: string },
      author: Actor,
    ): Promise<unknown>;
  },
  logger: AppLogger,
  account: ChannelAccountRecord,
  outcomes: readonly IngestOutcome[],
): Promise<void> {
  for (const o of outcomes) {
    if (!o.ok || o.duplicate || o.handoff?.result !== 'expired' || o.conversationId === o.handoff.conversationId) continue;
    try {
      await inbox.post(
        account.workspaceId,
        o.conversationId,
        { kind: 'reply', text: expiredAnswer(languageOf(o.conversation.language, o.message?.text)), channelAccountId: account.id },
        SYSTEM_ACTOR,
      );
    } catch (err) {
      logger.warn({ err, conversationId: o.conversationId }, 'could not tell the customer their handoff code had expired');
    }
  }
}
