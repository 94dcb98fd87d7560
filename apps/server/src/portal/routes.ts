import { randomBytes } from 'node:crypto';
import { CentralitaError, SYSTEM_ACTOR } from '@centralita/core';
import { appendEvent, findChannelAccount, findMessage, findPortalTokenAnyAge, hitRateLimit, toMessage } from '@centralita/db';
import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { hashToken } from '../crypto.ts';
import { validate } from '../http/errors.ts';
import { jsonBody } from '../http/input.ts';
import type { Inbox } from '../services/inbox.ts';
import { receiveExpired } from './expired.ts';
import { renderPortalPage } from './page.ts';
import { toPortalMessage } from './portal-message.ts';

/** How long after it expired a customer page still takes a message (kept apart, suggested for the old conversation). */
const EXPIRED_GRACE_MS = 90 * 24 * 60 * 60_000;

/** How many of the latest messages the customer page shows. */
const PORTAL_HISTORY = 200;

/** The customer's private conversation page, its messages and replies, by unguessable token. */
export function registerPortalRoutes(router: Router, ctx: AppContext, inbox: Inbox): void {
  /** Any token we issued, live or expired: an expired one still lets the customer write. */
  async function resolveAnyAge(token: string | undefined) {
    const found = token?.startsWith('ctp_') ? await findPortalTokenAnyAge(ctx.db.kysely, hashToken(token)) : undefined;
    // An expired link keeps taking messages for a while (customers come back late), not forever.
    if (!found || found.expires_at.getTime() < ctx.clock().getTime() - EXPIRED_GRACE_MS) {
      throw new CentralitaError('not_found', 'This conversation link is unknown or has expired.');
    }
    return { ...found, expired: found.expires_at <= ctx.clock() };
  }

  router.use('/c', (_req, res, next) => {
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-robots-tag', 'noindex');
    res.setHeader('cache-control', 'no-store');
    next();
  });

  router.get('/c/:token', async (req, res) => {
    await resolveAnyAge(req.params.token);
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'content-security-policy',
      `default-src 'none'; script-src 'self' 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    );
    res.type('html').send(renderPortalPage(nonce));
  });

  router.get('/c/:token/messages', async (req, res) => {
    const found = await resolveAnyAge(req.params.token);
    // An expired link shows nothing of the conversation, and still takes a message.
    if (found.expired) {
      res.json({ expired: true, items: [] });
      return;
    }
    const t = found;
    // The latest 200, oldest first: a long conversation shows its end, where the customer is.
    const rows = await ctx.db.kysely
      .selectFrom('messages')
      .selectAll()
      .where('workspace_id', '=', t.workspace_id)
      .where('conversation_id', '=', t.conversation_id)
      .where('direction', '!=', 'note')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(PORTAL_HISTORY)
      .execute();
    res.json({ items: rows.reverse().map((r) => toPortalMessage(toMessage(r))) });
  });

  router.post('/c/:token/messages', jsonBody('32kb'), async (req, res) => {
    const t = await resolveAnyAge(req.params.token);
    const hits = await hitRateLimit(ctx.db.kysely, `portal:${t.conversation_id}`, 60_000, ctx.clock(), t.workspace_id);
    if (hits > 20) throw new CentralitaError('rate_limited', 'Too many messages in a minute; wait a moment.', { retryAfterSeconds: 60 });
    const body = validate(z.object({ text: z.string().trim().min(1, 'text is required').max(10_000) }), req.body, 'body');
    const key = req.header('idempotency-key') ?? randomBytes(12).toString('base64url');
    if (key.length > 200) throw new CentralitaError('bad_request', 'Idempotency-Key must be at most 200 characters.');
    const account = await findChannelAccount(ctx.db.kysely, t.channel_account_id);
    if (!account) throw new CentralitaError('not_found', 'This conversation link is unknown or has expired.');
    if (t.expired) {
      const late = await receiveExpired(ctx, inbox, account, t, body.text, key);
      res.status(late.duplicate ? 200 : 201).json(late.body);
      return;
    }
    const result = await inbox.receive(
      account,
      {
        type: 'message.received',
        // Scoped by conversation, so one customer's key can never collide with another's.
        externalMessageId: `portal:${t.conversation_id}:${key}`,
        occurredAt: ctx.clock(),
        sender: { kind: 'portal', externalId: t.contact_id, verified: false },
        text: body.text,
        visibility: 'private',
        thread: {},
      },
      { conversationId: t.conversation_id },
    );
    // A repeat (same Idempotency-Key) answers with the message the first post stored.
    const message = result.message ?? (result.messageId ? await findMessage(ctx.db.kysely, t.workspace_id, result.messageId) : null);
    if (!message) throw new CentralitaError('internal', 'The message was stored but could not be read back.');
    if (t.handoff_id && !result.duplicate) await markHandoffJoined(ctx, t.workspace_id, t.conversation_id, t.handoff_id, message.id);
    res.status(result.duplicate ? 200 : 201).json({ message: toPortalMessage(message) });
  });
}

/** The first message written through a web handoff's page is the customer arriving: recorded once. */
async function markHandoffJoined(ctx: AppContext, workspaceId: string, conversationId: string, handoffId: string, messageId: string) {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const joined = await trx
      .updateTable('handoffs')
      .set({ joined_at: ctx.clock(), joined_message_id: messageId })
      .where('id', '=', handoffId)
      .where('workspace_id', '=', workspaceId)
      .where('joined_at', 'is', null)
      .returning('channel_account_id')
      .executeTakeFirst();
    if (!joined) return;
    await appendEvent(trx, {
      workspaceId,
      conversationId,
      type: 'conversation.handoff_joined',
      actor: SYSTEM_ACTOR,
      data: { handoffId, channelAccountId: joined.channel_account_id, messageId },
    });
  });
}
