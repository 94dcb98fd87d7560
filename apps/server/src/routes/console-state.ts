import { CentralitaError } from '@centralita/core';
import type { Database, Principal } from '@centralita/db';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { visibleConversation } from './access.ts';

/** The longest draft kept: the longest message the composer can send. */
export const DRAFT_MAX = 20_000;

const readState = z.object({
  conversationId: z.uuid(),
  readUpTo: z.iso.datetime(),
  messageId: z.uuid().nullable(),
  unread: z.boolean(),
});

const draft = z.object({
  conversationId: z.uuid(),
  kind: z.enum(['reply', 'note']),
  text: z.string(),
  visibility: z.enum(['public', 'private']).nullable(),
  allowSplit: z.boolean(),
  updatedAt: z.iso.datetime(),
});

/**
 * The signed-in person's user id. Read marks and drafts belong to a person at a screen, so an
 * API token (which acts for its creator in every other respect) has none.
 */
function personOf(p: Principal): string {
  if (p.kind !== 'session' || !p.userId) {
    throw new CentralitaError('forbidden', 'Read marks and drafts belong to a signed-in user; API tokens have none.');
  }
  return p.userId;
}

/** Drops the user's draft in a conversation: what they sent is no longer a draft. */
export async function clearDraft(db: Kysely<Database>, userId: string, conversationId: string): Promise<void> {
  await db.deleteFrom('conversation_drafts').where('user_id', '=', userId).where('conversation_id', '=', conversationId).execute();
}

/** Per-user console state kept on the server: read marks and composer drafts (decision 0017). */
export function registerConsoleStateRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'post',
    path: '/conversations/:id/read',
    tag: 'console',
    role: 'agent',
    summary:
      'Marks the conversation read for you, up to its latest message, or up to messageId. A mark only moves forward; a customer message after it makes the conversation unread again.',
    body: z.strictObject({ messageId: z.uuid().optional().describe('Read up to this message of the conversation') }),
    response: z.object({ readState }),
    async handler({ principal, params, body }) {
      const userId = personOf(principal);
      const conv = await visibleConversation(ctx, principal, params.id as string);
      let upTo = conv.lastMessageAt;
      if (body.messageId) {
        const message = await db
          .selectFrom('messages')
          .select('created_at')
          .where('id', '=', body.messageId)
          .where('conversation_id', '=', conv.id)
          .executeTakeFirst();
        if (!message) throw new CentralitaError('not_found', `No message ${body.messageId} in conversation ${conv.id}.`);
        upTo = message.created_at;
      }
      // Forward only: a slow tab reporting an older message must not make read messages unread.
      const row = await db
        .insertInto('conversation_reads')
        .values({
          workspace_id: principal.workspaceId,
          user_id: userId,
          conversation_id: conv.id,
          read_up_to: upTo,
          message_id: body.messageId ?? null,
        })
        .onConflict((oc) =>
          oc.columns(['user_id', 'conversation_id']).doUpdateSet({
            read_up_to: sql`GREATEST(conversation_reads.read_up_to, excluded.read_up_to)`,
            message_id: sql`CASE WHEN excluded.read_up_to >= conversation_reads.read_up_to THEN excluded.message_id ELSE conversation_reads.message_id END`,
            updated_at: sql`now()`,
          }),
        )
        .returning(['read_up_to', 'message_id'])
        .executeTakeFirstOrThrow();
      return {
        readState: {
          conversationId: conv.id,
          readUpTo: row.read_up_to,
          messageId: row.message_id,
          unread: conv.lastInboundAt !== null && conv.lastInboundAt > row.read_up_to,
        },
      };
    },
  });

  api.add({
    method: 'delete',
    path: '/conversations/:id/read',
    tag: 'console',
    role: 'agent',
    summary: 'Marks the conversation unread for you again (forgets your read mark).',
    async handler({ principal, params }) {
      const userId = personOf(principal);
      const conv = await visibleConversation(ctx, principal, params.id as string);
      await db.deleteFrom('conversation_reads').where('user_id', '=', userId).where('conversation_id', '=', conv.id).execute();
      return undefined;
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id/draft',
    tag: 'console',
    role: 'agent',
    summary: 'Your unsent draft in this conversation, or { draft: null }. Nobody else’s draft is ever shown.',
    response: z.object({ draft: draft.nullable() }),
    async handler({ principal, params }) {
      const userId = personOf(principal);
      const conv = await visibleConversation(ctx, principal, params.id as string);
      const row = await db
        .selectFrom('conversation_drafts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('conversation_id', '=', conv.id)
        .executeTakeFirst();
      return { draft: row ? toDraft(row) : null };
    },
  });

  api.add({
    method: 'put',
    path: '/conversations/:id/draft',
    tag: 'console',
    role: 'agent',
    summary:
      'Saves your draft in this conversation (the composer’s text and options), replacing the last one. Text that is empty or only white space deletes it and answers { draft: null }.',
    body: z.strictObject({
      text: z.string().max(DRAFT_MAX, `a draft holds at most ${DRAFT_MAX} characters`),
      kind: z.enum(['reply', 'note']).default('reply'),
      visibility: z.enum(['public', 'private']).nullable().optional(),
      allowSplit: z.boolean().default(false),
    }),
    response: z.object({ draft: draft.nullable() }),
    async handler({ principal, params, body }) {
      const userId = personOf(principal);
      const conv = await visibleConversation(ctx, principal, params.id as string);
      if (body.text.trim() === '') {
        await clearDraft(db, userId, conv.id);
        return { draft: null };
      }
      const values = { kind: body.kind, text: body.text, visibility: body.visibility ?? null, allow_split: body.allowSplit };
      const row = await db
        .insertInto('conversation_drafts')
        .values({ workspace_id: principal.workspaceId, user_id: userId, conversation_id: conv.id, ...values })
        .onConflict((oc) => oc.columns(['user_id', 'conversation_id']).doUpdateSet({ ...values, updated_at: sql`now()` }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return { draft: toDraft(row) };
    },
  });

  api.add({
    method: 'delete',
    path: '/conversations/:id/draft',
    tag: 'console',
    role: 'agent',
    summary: 'Discards your draft in this conversation; 204 whether or not there was one.',
    async handler({ principal, params }) {
      const userId = personOf(principal);
      const conv = await visibleConversation(ctx, principal, params.id as string);
      await clearDraft(db, userId, conv.id);
      return undefined;
    },
  });
}

function toDraft(r: {
  conversation_id: string;
  kind: 'reply' | 'note';
  text: string;
  visibility: 'public' | 'private' | null;
  allow_split: boolean;
  updated_at: Date;
}) {
  return {
    conversationId: r.conversation_id,
    kind: r.kind,
    text: r.text,
    visibility: r.visibility,
    allowSplit: r.allow_split,
    updatedAt: r.updated_at,
  };
}
