import { CentralitaError } from '@centralita/core';
import {
  currentContact,
  getMerge,
  getMergeSuggestion,
  listMergeSuggestions,
  listMerges,
  type MergeSuggestion,
  type Principal,
} from '@centralita/db';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import type { MergeService } from '../services/merges.ts';
import { maskEventData, seesPii } from '../services/privacy-view.ts';
import { actorOf } from './access.ts';
import { visibleContact, visibleConversations } from './contacts.ts';

// Merging contacts, undoing merges, and deciding merge suggestions (docs/identity.md). Every
// route is workspace-scoped; a contact the caller may not see answers 404, as elsewhere.

const contactMerge = z.object({
  id: z.uuid(),
  sourceContactId: z.uuid(),
  targetContactId: z.uuid(),
  suggestionId: z.uuid().nullable(),
  identities: z.number().int(),
  conversations: z.number().int(),
  folded: z.array(z.object({ from: z.uuid(), into: z.uuid() })),
  createdAt: z.iso.datetime(),
  createdBy: z.uuid().nullable(),
  undoneAt: z.iso.datetime().nullable(),
  undoneBy: z.uuid().nullable(),
});
const reason = z.enum(['shared_phone', 'shared_email', 'handoff_code', 'handoff_expired', 'manual']);
const suggestion = z.object({
  id: z.uuid(),
  status: z.enum(['open', 'accepted', 'dismissed']),
  reason,
  contact: z.object({ id: z.uuid(), name: z.string().nullable() }),
  other: z.object({ id: z.uuid(), name: z.string().nullable() }),
  evidence: z.array(
    z.object({
      kind: z.string(),
      text: z.string(),
      messageId: z.uuid().optional(),
      conversationId: z.uuid().optional(),
      value: z.string().optional(),
    }),
  ),
  conversationId: z.uuid().nullable(),
  joinConversationId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
  decidedBy: z.uuid().nullable(),
  mergeId: z.uuid().nullable(),
});

/**
 * Which of these contacts an agent may see (supervisors and admins see all): those, or the
 * contact a merged one went into, with a conversation the agent may see. Two queries.
 */
async function visibleAmong(ctx: AppContext, p: Principal, ids: readonly string[]): Promise<Set<string>> {
  if (p.role !== 'agent' || ids.length === 0) return new Set(ids);
  const db = ctx.db.kysely;
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'merged_into'])
    .where('workspace_id', '=', p.workspaceId)
    .where('id', 'in', [...ids])
    .execute();
  const owner = new Map<string, string>();
  for (const r of rows) owner.set(r.id, r.merged_into ? ((await currentContact(db, p.workspaceId, r.id)) ?? r.id) : r.id);
  const where = await visibleConversations(ctx, p);
  const seen = await db
    .selectFrom('conversations')
    .select('contact_id')
    .distinct()
    .where('contact_id', 'in', [...new Set(owner.values())])
    .where(where)
    .execute();
  const ok = new Set(seen.map((s) => s.contact_id));
  return new Set([...owner].filter(([, o]) => ok.has(o)).map(([id]) => id));
}

/** Registers the merge routes; `merges` commits and tells the consoles. */
export function registerMergeRoutes(api: ApiRegistry, ctx: AppContext, merges: MergeService): void {
  const db = ctx.db.kysely;

  /** A suggestion for this reader: the evidence quotes personal data, masked without `pii.view`. */
  const present = async (p: Principal, list: MergeSuggestion[]) => {
    if (seesPii(p) || list.length === 0) return list;
    const scan = await ctx.privacy.scannerFor(p.workspaceId);
    return list.map((s) => ({ ...s, evidence: maskEventData(s.evidence, scan) }));
  };
  /** The suggestion if the caller may see both its contacts, else `not_found`. */
  const visibleSuggestion = async (p: Principal, id: string) => {
    const s = await getMergeSuggestion(db, p.workspaceId, id);
    const seen = await visibleAmong(ctx, p, [s.contact.id, s.other.id]);
    if (seen.size < 2) throw new CentralitaError('not_found', `No merge suggestion ${id} in this workspace.`);
    return s;
  };

  api.add({
    method: 'get',
    path: '/merge-suggestions',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Possible duplicate contacts with the evidence, newest first (at most 200): filter by status and by a contact on either side. Open ones whose contact has since been merged away are left out.',
    query: z.strictObject({ status: z.enum(['open', 'accepted', 'dismissed']).optional(), contactId: z.uuid().optional() }),
    response: z.object({ items: z.array(suggestion) }),
    async handler({ principal, query }) {
      if (query.contactId) await visibleContact(ctx, principal, query.contactId);
      const all = await listMergeSuggestions(db, principal.workspaceId, {
        ...(query.status ? { status: query.status } : {}),
        ...(query.contactId ? { contactId: query.contactId } : {}),
      });
      const seen = await visibleAmong(ctx, principal, [...new Set(all.flatMap((s) => [s.contact.id, s.other.id]))]);
      return {
        items: await present(
          principal,
          all.filter((s) => seen.has(s.contact.id) && seen.has(s.other.id)),
        ),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/merge-suggestions/:id/accept',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Accepts an open suggestion: the newer contact is merged into the older one, and a handoff’s new conversation (joinConversationId) is folded into the one its code belongs to. 409 when already decided.',
    response: z.object({ merge: contactMerge }),
    async handler({ principal, params }) {
      const s = await visibleSuggestion(principal, params.id as string);
      const { merge } = await merges.accept({ workspaceId: principal.workspaceId, suggestionId: s.id, actor: actorOf(principal) });
      return { merge };
    },
  });

  api.add({
    method: 'post',
    path: '/merge-suggestions/:id/dismiss',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Dismisses an open suggestion, recording who and when; the pair is never suggested again for the same reason. 409 when already decided.',
    response: z.object({ suggestion }),
    async handler({ principal, params }) {
      const s = await visibleSuggestion(principal, params.id as string);
      const done = await merges.dismiss({ workspaceId: principal.workspaceId, suggestionId: s.id, actor: actorOf(principal) });
      const [shown] = await present(principal, [done]);
      return { suggestion: shown };
    },
  });

  api.add({
    method: 'post',
    path: '/contacts/:id/merge',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Merges sourceContactId INTO this contact: identities, conversations, history and notes move here, empty profile fields are filled, and the source answers with mergedInto from then on. Undo with POST /contact-merges/:id/undo. 400 for the same contact, 409 when either was merged already.',
    body: z.strictObject({ sourceContactId: z.uuid() }),
    response: z.object({ merge: contactMerge }),
    async handler({ principal, params, body }) {
      const target = await visibleContact(ctx, principal, params.id as string);
      const source = await visibleContact(ctx, principal, body.sourceContactId);
      const { merge } = await merges.merge({
        workspaceId: principal.workspaceId,
        sourceContactId: source.id,
        targetContactId: target.id,
        actor: actorOf(principal),
      });
      return { merge };
    },
  });

  api.add({
    method: 'get',
    path: '/contacts/:id/merges',
    tag: 'contacts',
    role: 'agent',
    summary: 'The merges this contact took part in, as source or target, newest first (at most 200), undone ones included.',
    response: z.object({ items: z.array(contactMerge) }),
    async handler({ principal, params }) {
      const row = await visibleContact(ctx, principal, params.id as string);
      return { items: await listMerges(db, principal.workspaceId, row.id) };
    },
  });

  api.add({
    method: 'post',
    path: '/contact-merges/:id/undo',
    tag: 'contacts',
    role: 'agent',
    summary:
      'Undoes a merge: what it moved goes back, with conversations the source’s identities began since; folded conversations are unfolded. 409 when already undone, or while a later merge of either contact stands (undo that one first).',
    response: z.object({ merge: contactMerge }),
    async handler({ principal, params }) {
      const found = await getMerge(db, principal.workspaceId, params.id as string);
      const seen = await visibleAmong(ctx, principal, [found.sourceContactId, found.targetContactId]);
      if (seen.size < 2) throw new CentralitaError('not_found', `No contact merge ${found.id} in this workspace.`);
      const { merge } = await merges.undo({ workspaceId: principal.workspaceId, mergeId: found.id, actor: actorOf(principal) });
      return { merge };
    },
  });
}
