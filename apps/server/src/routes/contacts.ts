import { type Actor, CentralitaError } from '@centralita/core';
import { currentContact, type Database, type Principal, visibleTo } from '@centralita/db';
import { mergePatch } from '@centralita/dispatcher';
import { isCountryCode, isValidTimezone } from '@centralita/routing';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { maskEventData, seesPii } from '../services/privacy-view.ts';
import { actorOf, visibleTeams } from './access.ts';

/** How many of a contact's conversations GET /contacts/:id lists, newest first. */
const PAST_CONVERSATIONS = 100;

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const patch = z.strictObject({
  name: z.string().trim().min(1, 'name is empty; send null to clear it').max(200).nullable().optional(),
  country: z
    .string()
    .max(10)
    .refine(isCountryCode, 'not an ISO 3166 country (ES) or subdivision (ES-CT)')
    .transform((c) => c.toUpperCase())
    .nullable()
    .optional(),
  locale: z
    .string()
    .max(35)
    .refine(isLocale, 'not a BCP 47 language tag (for example es-MX)')
    .transform((l) => Intl.getCanonicalLocales(l)[0] as string)
    .nullable()
    .optional(),
  timezone: z
    .string()
    .max(100)
    .refine(isValidTimezone, 'not a known IANA timezone (for example Europe/Madrid)')
    // Stored as the runtime spells it, so europe/madrid and Europe/Madrid are one zone.
    .transform((tz) => new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone)
    .nullable()
    .optional(),
});

const identity = z.object({ kind: z.string(), externalId: z.string(), verified: z.boolean(), displayName: z.string().nullable() });
const pastConversation = z.object({
  id: z.uuid(),
  subject: z.string().nullable(),
  status: z.enum(['open', 'pending', 'snoozed', 'resolved']),
  channel: z.object({ id: z.uuid(), kind: z.string(), name: z.string() }),
  lastMessageAt: z.iso.datetime(),
});
const contact = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  country: z.string().nullable(),
  locale: z.string().nullable(),
  timezone: z.string().nullable(),
  signals: z.object({ followers: z.number().optional(), verified: z.boolean().optional() }),
  createdAt: z.iso.datetime(),
  /** The contact this one was merged into (a tombstone: its identities and conversations are there). */
  mergedInto: z.uuid().nullable(),
  identities: z.array(identity),
  conversations: z.array(pastConversation),
});
const note = z.object({
  id: z.uuid(),
  text: z.string(),
  author: z.object({ type: z.enum(['user', 'api_token']), id: z.uuid().nullable(), name: z.string().nullable() }),
  createdAt: z.iso.datetime(),
});

/**
 * Conversations the caller may see, as `visibleConversation` decides for one: supervisors every
 * one of the workspace, agents their teams', unteamed ones and those assigned or offered to them.
 */
export async function visibleConversations(ctx: AppContext, p: Principal) {
  const teams = await visibleTeams(ctx, p);
  return (eb: ExpressionBuilder<Database, 'conversations'>) => {
    const base = eb('conversations.workspace_id', '=', p.workspaceId);
    if (teams === null) return base;
    const own = p.userId ? [eb('assignee_id', '=', p.userId), eb('offered_to', '=', p.userId)] : [];
    return eb.and([base, eb.or([visibleTo(teams)(eb), ...own])]);
  };
}

/**
 * The contact if the caller may see it, else `not_found`: supervisors and admins see every
 * contact of the workspace, agents those with a conversation they may see. A merged contact
 * (a tombstone, with no conversations of its own) is seen by whoever may see where it went.
 */
export async function visibleContact(ctx: AppContext, p: Principal, id: string) {
  const db = ctx.db.kysely;
  const row = await db.selectFrom('contacts').selectAll().where('workspace_id', '=', p.workspaceId).where('id', '=', id).executeTakeFirst();
  if (row && p.role === 'agent') {
    const where = await visibleConversations(ctx, p);
    const owner = row.merged_into ? ((await currentContact(db, p.workspaceId, id)) ?? id) : id;
    const seen = await db.selectFrom('conversations').select('id').where('contact_id', '=', owner).where(where).limit(1).executeTakeFirst();
    if (seen) return row;
  } else if (row) {
    return row;
  }
  throw new CentralitaError('not_found', `No contact ${id} in this workspace.`);
}

/** The contact as GET /contacts/:id shows it, with identities and the conversations the caller may see. */
async function contactView(ctx: AppContext, p: Principal, row: Awaited<ReturnType<typeof visibleContact>>) {
  const db = ctx.db.kysely;
  const identities = await db
    .selectFrom('identities')
    .select(['kind', 'external_id as externalId', 'verified', 'display_name as displayName'])
    .where('contact_id', '=', row.id)
    .orderBy('created_at')
    .execute();
  const where = await visibleConversations(ctx, p);
  const conversations = await db
    .selectFrom('conversations')
    .innerJoin('channel_accounts as ca', 'ca.id', 'conversations.channel_account_id')
    .select(['conversations.id', 'subject', 'status', 'last_message_at as lastMessageAt', 'ca.id as channelId', 'ca.kind', 'ca.name'])
    .where('contact_id', '=', row.id)
    .where(where)
    .orderBy('last_message_at', 'desc')
    .limit(PAST_CONVERSATIONS)
    .execute();
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    locale: row.locale,
    timezone: row.timezone,
    signals: row.signals,
    createdAt: row.created_at,
    mergedInto: row.merged_into,
    identities,
    conversations: conversations.map((c) => ({
      id: c.id,
      subject: c.subject,
      status: c.status,
      channel: { id: c.channelId, kind: c.kind, name: c.name },
      lastMessageAt: c.lastMessageAt,
    })),
  };
}

async function appendContactEvent(
  db: Kysely<Database>,
  e: { workspaceId: string; contactId: string; type: string; actor: Actor; data: Record<string, unknown> },
) {
  await db
    .insertInto('contact_events')
    .values({
      workspace_id: e.workspaceId,
      contact_id: e.contactId,
      type: e.type,
      actor_type: e.actor.type,
      actor_id: e.actor.id,
      data: JSON.stringify(e.data),
    })
    .execute();
}

/** Contacts: their details, identities and past conversations, edits, and notes about them. */
export function registerContactRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'get',
    path: '/contacts/:id',
    tag: 'contacts',
    role: 'agent',
    summary: `A contact with every identity and their conversations you may see (the latest ${PAST_CONVERSATIONS}, newest first).`,
    response: z.object({ contact }),
    async handler({ principal, params }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      return { contact: await contactView(ctx, principal, row) };
    },
  });

  api.add({
    method: 'patch',
    path: '/contacts/:id',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Changes name, country (ISO 3166: ES or ES-CT), locale (BCP 47: es-MX) or timezone (IANA: Europe/Madrid); what the body leaves out keeps its value, null clears. Records contact.updated in the contact’s log.',
    body: patch,
    response: z.object({ contact }),
    async handler({ principal, params, body }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      const current = { name: row.name, country: row.country, locale: row.locale, timezone: row.timezone };
      const merged = mergePatch<Partial<typeof current>>(current, body);
      const next = {
        name: merged.name ?? null,
        country: merged.country ?? null,
        locale: merged.locale ?? null,
        timezone: merged.timezone ?? null,
      };
      const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== current[k]);
      let updated = row;
      if (changed.length > 0) {
        updated = await db.transaction().execute(async (trx) => {
          const out = await trx.updateTable('contacts').set(next).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow();
          await appendContactEvent(trx, {
            workspaceId: principal.workspaceId,
            contactId: row.id,
            type: 'contact.updated',
            actor: actorOf(principal),
            data: {
              from: Object.fromEntries(changed.map((k) => [k, current[k]])),
              to: Object.fromEntries(changed.map((k) => [k, next[k]])),
            },
          });
          return out;
        });
      }
      return { contact: await contactView(ctx, principal, updated) };
    },
  });

  api.add({
    method: 'get',
    path: '/contacts/:id/events',
    tag: 'contacts',
    role: 'agent',
    summary: 'The contact’s own log (edits, notes added and removed), oldest first, at most 200.',
    async handler({ principal, params }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      const items = await db
        .selectFrom('contact_events')
        .select(['id', 'seq', 'type', 'actor_type', 'actor_id', 'data', 'created_at'])
        .where('contact_id', '=', row.id)
        .orderBy('seq')
        .limit(200)
        .execute();
      // A merge's evidence quotes what the customer wrote: masked like the conversation's own log.
      const scan = seesPii(principal) ? null : await ctx.privacy.scannerFor(principal.workspaceId);
      return {
        items: items.map((e) => ({
          id: e.id,
          seq: String(e.seq),
          type: e.type,
          actor: { type: e.actor_type, id: e.actor_id },
          data: scan ? maskEventData(e.data, scan) : e.data,
          createdAt: e.created_at,
        })),
      };
    },
  });

  const notes = (workspaceId: string) =>
    db
      .selectFrom('contact_notes as n')
      .leftJoin('users as u', (j) => j.onRef('u.id', '=', 'n.author_id').on('n.author_type', '=', 'user'))
      .leftJoin('api_tokens as t', (j) => j.onRef('t.id', '=', 'n.author_id').on('n.author_type', '=', 'api_token'))
      .select([
        'n.id',
        'n.text',
        'n.author_type',
        'n.author_id',
        'n.created_at',
        sql<string | null>`coalesce(u.name, t.name)`.as('author_name'),
      ])
      .where('n.workspace_id', '=', workspaceId);
  const toNote = (n: {
    id: string;
    text: string;
    author_type: 'user' | 'api_token';
    author_id: string | null;
    created_at: Date;
    author_name: string | null;
  }) => ({
    id: n.id,
    text: n.text,
    author: { type: n.author_type, id: n.author_id, name: n.author_name },
    createdAt: n.created_at,
  });

  api.add({
    method: 'get',
    path: '/contacts/:id/notes',
    tag: 'contacts',
    role: 'agent',
    summary: 'Notes about the contact, newest first, with their author.',
    response: z.object({ items: z.array(note) }),
    async handler({ principal, params }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      const items = await notes(principal.workspaceId)
        .where('n.contact_id', '=', row.id)
        .orderBy('n.created_at', 'desc')
        .orderBy('n.id', 'desc')
        .execute();
      return { items: items.map(toNote) };
    },
  });

  api.add({
    method: 'post',
    path: '/contacts/:id/notes',
    tag: 'contacts',
    role: 'agent',
    status: 201,
    summary: 'Adds a note about the contact (1 to 5,000 characters), seen by everyone who may see the contact. Answers { contactNote }.',
    body: z.strictObject({ text: z.string().trim().min(1, 'text is required').max(5_000) }),
    response: z.object({ contactNote: note }),
    async handler({ principal, params, body }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      const actor = actorOf(principal);
      const id = await db.transaction().execute(async (trx) => {
        const made = await trx
          .insertInto('contact_notes')
          .values({
            workspace_id: principal.workspaceId,
            contact_id: row.id,
            author_type: actor.type === 'user' ? 'user' : 'api_token',
            author_id: actor.id,
            text: body.text,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await appendContactEvent(trx, {
          workspaceId: principal.workspaceId,
          contactId: row.id,
          type: 'contact.note_added',
          actor,
          data: { noteId: made.id },
        });
        return made.id;
      });
      const made = await notes(principal.workspaceId).where('n.id', '=', id).executeTakeFirstOrThrow();
      return { contactNote: toNote(made) };
    },
  });

  api.add({
    method: 'delete',
    path: '/contacts/:id/notes/:noteId',
    tag: 'contacts',
    role: 'agent',
    summary: 'Removes a note: agents their own, supervisors and admins any. The contact’s log keeps that it was removed.',
    async handler({ principal, params }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      const found = await db
        .selectFrom('contact_notes')
        .select(['id', 'author_type', 'author_id'])
        .where('contact_id', '=', row.id)
        .where('id', '=', params.noteId as string)
        .executeTakeFirst();
      if (!found) throw new CentralitaError('not_found', `No note ${params.noteId} about contact ${row.id}.`);
      const actor = actorOf(principal);
      const own = found.author_type === actor.type && found.author_id === actor.id;
      if (principal.role === 'agent' && !own)
        throw new CentralitaError('forbidden', 'Agents may remove their own notes; ask a supervisor to remove others.');
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('contact_notes').where('id', '=', found.id).execute();
        await appendContactEvent(trx, {
          workspaceId: principal.workspaceId,
          contactId: row.id,
          type: 'contact.note_removed',
          actor,
          data: { noteId: found.id },
        });
      });
      return undefined;
    },
  });
}
