import { CentralitaError, type StatusAction } from '@centralita/core';
import { findAttachment, INBOX_SORTS, listEvents, listInboxRows, listMessages, teamIdsOf } from '@centralita/db';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import type { Inbox } from '../services/inbox.ts';
import { maskEventData, maskedPreviewText, messageFor, seesPii } from '../services/privacy-view.ts';
import { actorOf, visibleConversation, visibleTeams } from './access.ts';
import { clearDraft } from './console-state.ts';

const page = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** Conversations, their messages and events, replies, notes and status changes. */
export function registerConversationRoutes(api: ApiRegistry, ctx: AppContext, inbox: Inbox): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/conversations',
    tag: 'conversations',
    role: 'agent',
    summary:
      'Inbox rows: each conversation with its contact (name, initials), a preview of the last message (never a note), the assignee, whether it is unread for you and its earliest SLA deadline. Sorted by sort (newest activity first by default); filter by status, channel and assignee.',
    query: z.object({
      status: z.enum(['open', 'pending', 'snoozed', 'resolved']).optional(),
      channel: z.string().max(50).optional().describe('A channel kind such as webform'),
      channelAccountId: z.uuid().optional(),
      assignee: z.union([z.uuid(), z.enum(['me', 'none'])]).optional(),
      team: z
        .union([z.uuid(), z.literal('mine')])
        .optional()
        .describe('A team id, or mine: the teams the caller is a member of'),
      contact: z.uuid().optional(),
      tag: z.string().max(40).optional(),
      minPriority: z.coerce.number().int().min(-1000).max(1000).optional(),
      origin: z
        .enum(['customer', 'proactive'])
        .optional()
        .describe('proactive: only conversations a saved search found; customer: only those a customer began'),
      q: z
        .string()
        .max(200)
        .optional()
        .describe('Words in the messages (Spanish and English, accents ignored), or part of the contact’s name or address'),
      sort: z
        .enum(INBOX_SORTS)
        .default('newest')
        .describe(
          'newest (last message first), oldest_waiting (longest-waiting customer first), sla_due (earliest SLA deadline first, none last), priority (highest first, then longest waiting)',
        ),
      ...page,
    }),
    async handler({ principal, query }) {
      const assigneeId = query.assignee === 'me' ? (principal.userId ?? 'none') : query.assignee;
      return listInboxRows(
        db,
        principal.workspaceId,
        {
          ...(query.status ? { status: query.status } : {}),
          ...(query.channel ? { channelKind: query.channel } : {}),
          ...(query.channelAccountId ? { channelAccountId: query.channelAccountId } : {}),
          ...(assigneeId ? { assigneeId } : {}),
          ...(query.team === 'mine'
            ? { teamIds: principal.userId ? await teamIdsOf(db, principal.userId) : [] }
            : query.team
              ? { teamId: query.team }
              : {}),
          ...(query.contact ? { contactId: query.contact } : {}),
          ...(query.tag ? { tag: query.tag.toLowerCase() } : {}),
          ...(query.minPriority !== undefined ? { minPriority: query.minPriority } : {}),
          ...(query.origin ? { origin: query.origin } : {}),
          ...(query.q ? { q: query.q } : {}),
          visibleTeamIds: await visibleTeams(ctx, principal),
        },
        {
          limit: query.limit,
          sort: query.sort,
          // Read marks and drafts are a person's: an API token has none, even its creator's.
          userId: principal.kind === 'session' ? principal.userId : null,
          ...(query.cursor ? { cursor: query.cursor } : {}),
          ...(seesPii(principal) ? {} : { previewText: maskedPreviewText }),
        },
      );
    },
  });

  api.add({
    method: 'post',
    path: '/conversations',
    tag: 'conversations',
    role: 'agent',
    status: 201,
    summary:
      'Starts a conversation by writing first (an email to a customer). It is pending their answer and assigned to you; the message is queued and sent like a reply.',
    body: z.object({
      channelAccountId: z.uuid(),
      to: z.email('to is not a valid email address').max(320),
      name: z.string().trim().min(1).max(200).optional(),
      subject: z.string().trim().min(1, 'subject is required').max(200),
      text: z.string().trim().min(1, 'text is required').max(20_000),
    }),
    async handler({ principal, body }) {
      const { conversation, message } = await inbox.startConversation(principal.workspaceId, body, actorOf(principal));
      return { conversation, message: messageFor(principal, message) };
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id',
    tag: 'conversations',
    role: 'agent',
    summary: 'One conversation with its contact and identities.',
    async handler({ principal, params }) {
      const conversation = await visibleConversation(ctx, principal, params.id as string);
      const contact = await db.selectFrom('contacts').selectAll().where('id', '=', conversation.contactId).executeTakeFirstOrThrow();
      const identities = await db
        .selectFrom('identities')
        .select(['kind', 'external_id as externalId', 'verified', 'display_name as displayName'])
        .where('contact_id', '=', contact.id)
        .execute();
      return {
        conversation,
        contact: {
          id: contact.id,
          name: contact.name,
          locale: contact.locale,
          country: contact.country,
          timezone: contact.timezone,
          signals: contact.signals,
          identities,
        },
      };
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id/reply-options',
    tag: 'conversations',
    role: 'agent',
    summary:
      "How a reply may go: on the account the customer wrote on last unless channelAccountId picks another from `channels` (every account the contact can be reached on, with its limits); the default visibility (the customer's latest message's), and for each visibility its length limit and whether the channel allows it, with the reason and the alternatives when it does not (X's tiers, WhatsApp's window).",
    query: z.object({ channelAccountId: z.uuid().optional() }),
    async handler({ principal, params, query }) {
      const conversation = await visibleConversation(ctx, principal, params.id as string);
      const replies = await inbox.replyOptions(conversation, query.channelAccountId);
      if (!replies) throw new CentralitaError('not_found', "This conversation's channel is not installed on this server.");
      return replies;
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id/messages',
    tag: 'conversations',
    role: 'agent',
    summary:
      'The conversation’s messages, oldest first, across every channel it used. Each carries privacy: what the privacy guard found in it (types and spans), or null; without the pii.view permission text, fullText and subject come masked and html is left out.',
    query: z.object(page),
    async handler({ principal, params, query }) {
      await visibleConversation(ctx, principal, params.id as string);
      const page = await listMessages(db, principal.workspaceId, params.id as string, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { ...page, items: page.items.map((m) => messageFor(principal, m)) };
    },
  });

  api.add({
    method: 'get',
    path: '/conversations/:id/events',
    tag: 'conversations',
    role: 'agent',
    summary: 'The conversation’s append-only event log, in order.',
    query: z.object({
      after: z
        .string()
        .regex(/^\d{1,18}$/, 'after is an event seq number')
        .optional(),
      limit: page.limit,
    }),
    async handler({ principal, params, query }) {
      await visibleConversation(ctx, principal, params.id as string);
      const events = await listEvents(db, principal.workspaceId, params.id as string, {
        limit: query.limit,
        ...(query.after ? { afterSeq: query.after } : {}),
      });
      const scan = seesPii(principal) ? null : await ctx.privacy.scannerFor(principal.workspaceId);
      const items = scan ? events.map((e) => ({ ...e, data: maskEventData(e.data, scan) })) : events;
      return { items, nextCursor: items.length === query.limit ? (items[items.length - 1]?.seq ?? null) : null };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/messages',
    tag: 'conversations',
    role: 'agent',
    status: 201,
    summary:
      'Posts a reply (queued and sent through the channel) or an internal note. Send an Idempotency-Key header against double clicks.',
    body: z
      .object({
        kind: z.enum(['reply', 'note']).default('reply'),
        text: z.string().trim().max(20_000).default(''),
        visibility: z.enum(['public', 'private']).optional(),
        allowSplit: z.boolean().default(false),
        attachmentIds: z
          .array(z.uuid())
          .max(10, 'attachmentIds: at most 10 files per message')
          .default([])
          .describe('Files from POST /attachments, your own and not sent yet; a reply only where the channel takes attachments'),
        quoteMessageId: z
          .uuid()
          .optional()
          .describe('A customer message of this conversation the reply quotes (WhatsApp shows the reply under it)'),
        channelAccountId: z
          .uuid()
          .optional()
          .describe(
            'The account to answer on, from GET /conversations/:id/reply-options `channels`; by default the one the customer wrote on last',
          ),
        template: z
          .strictObject({
            name: z.string().min(1).max(512),
            language: z.string().min(2).max(20),
            parameters: z.record(z.string().max(100), z.string().max(2_000)).default({}),
          })
          .optional()
          .describe(
            'An approved template to send instead of free text (WhatsApp outside its 24-hour window), from GET /channel-accounts/:id/templates, with a value per parameter key; the stored text is the filled template',
          ),
      })
      .refine((b) => b.template !== undefined || b.text.length > 0, { message: 'text is required', path: ['text'] }),
    async handler({ req, res, principal, params, body }) {
      await visibleConversation(ctx, principal, params.id as string);
      const key = req.header('idempotency-key');
      if (key !== undefined && (key.length === 0 || key.length > 200)) {
        throw new CentralitaError('bad_request', 'Idempotency-Key must be 1 to 200 characters.');
      }
      const { message, created } = await inbox.post(
        principal.workspaceId,
        params.id as string,
        { ...body, ...(key ? { idempotencyKey: key } : {}) },
        actorOf(principal),
      );
      if (principal.kind === 'session' && principal.userId) await clearDraft(db, principal.userId, params.id as string);
      res.status(created ? 201 : 200).json({ message: messageFor(principal, message) });
      return undefined;
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/customer-link',
    tag: 'conversations',
    role: 'agent',
    status: 201,
    summary:
      'Issues a new private link to the customer’s page (web form), for a customer who lost theirs; send it to them yourself. Earlier links keep working until they expire.',
    async handler({ principal, params }) {
      await visibleConversation(ctx, principal, params.id as string);
      const link = await inbox.reissueCustomerLink(principal.workspaceId, params.id as string, actorOf(principal));
      return { conversationLink: link.url, expiresAt: link.expiresAt.toISOString() };
    },
  });

  api.add({
    method: 'post',
    path: '/conversations/:id/status',
    tag: 'conversations',
    role: 'agent',
    summary: 'Resolves, reopens, marks pending or snoozes (until a time) a conversation.',
    body: z.discriminatedUnion('action', [
      z.object({ action: z.literal('resolve') }),
      z.object({ action: z.literal('reopen') }),
      z.object({ action: z.literal('pending') }),
      z.object({ action: z.literal('snooze'), until: z.iso.datetime({ offset: true }) }),
    ]),
    async handler({ principal, params, body }) {
      await visibleConversation(ctx, principal, params.id as string);
      const action: StatusAction = body.action === 'snooze' ? { type: 'snooze', until: new Date(body.until) } : { type: body.action };
      return { conversation: await inbox.setStatus(principal.workspaceId, params.id as string, action, actorOf(principal)) };
    },
  });

  api.add({
    method: 'get',
    path: '/attachments/:id',
    tag: 'conversations',
    role: 'agent',
    summary: 'Downloads a file a message carried. Always served as a download, never rendered by the browser.',
    async handler({ principal, params, res }) {
      const file = await findAttachment(db, principal.workspaceId, params.id as string);
      const owner = file
        ? await db.selectFrom('messages').select('conversation_id').where('id', '=', file.messageId).executeTakeFirst()
        : undefined;
      if (!file || !owner) throw new CentralitaError('not_found', `No attachment ${params.id} in this workspace.`);
      await visibleConversation(ctx, principal, owner.conversation_id);
      const data = await ctx.attachments.get(principal.workspaceId, file.storageKey);
      if (!data)
        throw new CentralitaError('not_found', `The file of attachment ${params.id} was not stored (it was too large or unreadable).`);
      // Whatever the sender called it, the browser gets bytes to save: an HTML or SVG file from a
      // stranger must never run in the console's origin.
      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('X-Attachment-Content-Type', file.contentType);
      res.status(200).end(data);
      return undefined;
    },
  });
}
