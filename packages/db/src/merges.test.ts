import type { Actor, MessageReceivedEvent, SenderIdentity } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMany, ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { acceptMergeSuggestion, dismissMergeSuggestion, listMergeSuggestions, suggestMerge } from './repos/merge-suggestions.ts';
import { undoMerge } from './repos/merge-undo.ts';
import { mergeContacts } from './repos/merges.ts';
import { createWorkspace } from './repos/workspaces.ts';

// Merging contacts moves every row that hangs off the source; undoing it puts back exactly those
// rows (and what the source's identities began since), so the database reads as before.

const database = useTestDatabase();
const db = () => database.current.db.kysely;
type Target = { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };
let wa: Target;
let wa2: Target;
let mail: Target;
let ws = '';
const agent: Actor = { type: 'user', id: null };

beforeAll(async () => {
  const w = await createWorkspace(db(), { slug: 'merges', name: 'Merges' });
  ws = w.id;
  const account = (kind: string, name: string) =>
    createChannelAccount(db(), { workspaceId: ws, kind, name, settings: {}, secretsEncrypted: null });
  wa = { workspaceId: ws, channelAccountId: (await account('whatsapp', 'WA')).id, reopenWindowMinutes: 60 };
  wa2 = { ...wa, channelAccountId: (await account('whatsapp', 'WA ventas')).id };
  mail = { ...wa, channelAccountId: (await account('email', 'Mail')).id };
});

let n = 0;
function msg(
  kind: string,
  externalId: string,
  opts: { others?: SenderIdentity[]; thread?: MessageReceivedEvent['thread']; name?: string } = {},
): MessageReceivedEvent {
  n += 1;
  return {
    type: 'message.received',
    externalMessageId: `m.${n}.${Math.random()}`,
    occurredAt: new Date(),
    sender: { kind, externalId, verified: true, otherIdentities: opts.others ?? [], ...(opts.name ? { displayName: opts.name } : {}) },
    text: `message ${n}`,
    visibility: 'private',
    thread: opts.thread ?? { contactThread: true },
  };
}
const phone = (e164: string): SenderIdentity => ({ kind: 'phone', externalId: e164, verified: true });
async function ingest(target: Target, event: MessageReceivedEvent) {
  const r = await ingestMessage(db(), target, event, { now: new Date() });
  return { contactId: r.conversation.contactId, conversationId: r.conversationId, messageId: r.messageId };
}

/** Everything a merge may touch, as one comparable picture (of these contacts' rows). */
async function picture(contactIds: string[]) {
  const identities = await db()
    .selectFrom('identities')
    .select(['id', 'contact_id'])
    .where('contact_id', 'in', contactIds)
    .orderBy('id')
    .execute();
  const conversations = await db()
    .selectFrom('conversations')
    .select(['id', 'contact_id', 'status'])
    .where('contact_id', 'in', contactIds)
    .orderBy('id')
    .execute();
  const messages = await db()
    .selectFrom('messages')
    .select(['id', 'conversation_id', 'author_id'])
    .where('conversation_id', 'in', conversations.length > 0 ? conversations.map((c) => c.id) : ['00000000-0000-0000-0000-000000000000'])
    .orderBy('id')
    .execute();
  const notes = await db()
    .selectFrom('contact_notes')
    .select(['id', 'contact_id'])
    .where('contact_id', 'in', contactIds)
    .orderBy('id')
    .execute();
  const contacts = await db()
    .selectFrom('contacts')
    .select(['id', 'name', 'locale', 'country', 'timezone', 'merged_into'])
    .where('id', 'in', contactIds)
    .orderBy('id')
    .execute();
  return { identities, conversations, messages, notes, contacts };
}

async function addNote(contactId: string, text: string) {
  return db()
    .insertInto('contact_notes')
    .values({ workspace_id: ws, contact_id: contactId, author_type: 'user', author_id: null, text })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describe('merging two contacts', () => {
  it('moves identities, conversations, message authors and notes, fills empty profile fields, and leaves a tombstone', async () => {
    const lucia = await ingest(wa, msg('whatsapp_bsuid', 'ES.100', { others: [phone('+34600100100')], name: 'Lucía' }));
    await ingest(wa, msg('whatsapp_bsuid', 'ES.100'));
    const mailed = await ingest(mail, msg('email', 'lucia@example.com'));
    await db().updateTable('contacts').set({ name: null, timezone: 'Europe/Madrid' }).where('id', '=', mailed.contactId).execute();
    await db().updateTable('contacts').set({ locale: 'es-ES', timezone: 'Atlantic/Canary' }).where('id', '=', lucia.contactId).execute();
    const note = await addNote(lucia.contactId, 'Prefiere WhatsApp');

    const { merge, conversationIds } = await mergeContacts(db(), {
      workspaceId: ws,
      sourceContactId: lucia.contactId,
      targetContactId: mailed.contactId,
      actor: agent,
    });
    expect(merge).toMatchObject({ sourceContactId: lucia.contactId, targetContactId: mailed.contactId, identities: 2, conversations: 1 });
    expect(conversationIds).toContain(lucia.conversationId);

    const after = await picture([lucia.contactId, mailed.contactId]);
    expect(after.identities.every((i) => i.contact_id === mailed.contactId)).toBe(true);
    expect(after.identities).toHaveLength(3);
    expect(after.conversations.every((c) => c.contact_id === mailed.contactId)).toBe(true);
    expect(after.messages.filter((m) => m.conversation_id === lucia.conversationId).map((m) => m.author_id)).toEqual([
      mailed.contactId,
      mailed.contactId,
    ]);
    expect(after.notes).toEqual([{ id: note.id, contact_id: mailed.contactId }]);
    const target = after.contacts.find((c) => c.id === mailed.contactId);
    // Only empty fields are filled: the target's own timezone stays.
    expect(target).toMatchObject({ name: 'Lucía', locale: 'es-ES', timezone: 'Europe/Madrid', merged_into: null });
    expect(after.contacts.find((c) => c.id === lucia.contactId)?.merged_into).toBe(mailed.contactId);

    const events = await db().selectFrom('events').select(['type', 'data']).where('conversation_id', '=', lucia.conversationId).execute();
    expect(events.map((e) => e.type)).toContain('contact.merged');
    const logs = await db()
      .selectFrom('contact_events')
      .select(['contact_id', 'type'])
      .where('contact_id', 'in', [lucia.contactId, mailed.contactId])
      .where('type', '=', 'contact.merged')
      .execute();
    expect(logs).toHaveLength(2);

    // The source's next WhatsApp message finds the target (its identity moved), in its own thread.
    const next = await ingest(wa, msg('whatsapp_bsuid', 'ES.100'));
    expect(next).toMatchObject({ contactId: mailed.contactId, conversationId: lucia.conversationId });
  });

  it('refuses a contact merged into itself, an unknown one, one of another workspace and one already merged', async () => {
    const a = await ingest(wa, msg('phone', '+34600200001'));
    const b = await ingest(wa, msg('phone', '+34600200002'));
    const other = await createWorkspace(db(), { slug: 'merges-other', name: 'Other' });
    const input = { workspaceId: ws, actor: agent };
    await expect(mergeContacts(db(), { ...input, sourceContactId: a.contactId, targetContactId: a.contactId })).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(
      mergeContacts(db(), { ...input, sourceContactId: a.contactId, targetContactId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      mergeContacts(db(), { ...input, workspaceId: other.id, sourceContactId: a.contactId, targetContactId: b.contactId }),
    ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(a.contactId) });
    await mergeContacts(db(), { ...input, sourceContactId: a.contactId, targetContactId: b.contactId });
    await expect(mergeContacts(db(), { ...input, sourceContactId: a.contactId, targetContactId: b.contactId })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already merged'),
    });
    await expect(mergeContacts(db(), { ...input, sourceContactId: b.contactId, targetContactId: a.contactId })).rejects.toMatchObject({
      code: 'conflict',
    });
  });
});

describe('undoing a merge', () => {
  it('restores every identity, conversation, author, note and profile field, and gives back a conversation the source began since', async () => {
    const src = await ingest(wa, msg('whatsapp_bsuid', 'ES.300', { others: [phone('+34600300300')], name: 'Marta' }));
    const srcMail = await ingest(mail, msg('email', 'marta@example.com'));
    const dst = await ingest(mail, msg('email', 'marta.g@example.org'));
    // Two contacts for one person on email: fold the second address into the WhatsApp contact first.
    await mergeContacts(db(), { workspaceId: ws, sourceContactId: srcMail.contactId, targetContactId: src.contactId, actor: agent });
    await db().updateTable('contacts').set({ name: null, country: null }).where('id', '=', dst.contactId).execute();
    await db().updateTable('contacts').set({ country: 'ES' }).where('id', '=', src.contactId).execute();
    await addNote(src.contactId, 'Cliente desde 2019');
    const before = await picture([src.contactId, dst.contactId, srcMail.contactId]);

    const { merge } = await mergeContacts(db(), {
      workspaceId: ws,
      sourceContactId: src.contactId,
      targetContactId: dst.contactId,
      actor: agent,
    });
    // Since the merge: the source's number writes to another account (a new conversation), the
    // target's address writes again (its own thread), and someone fills in the target's name.
    const begun = await ingest(wa2, msg('phone', '+34600300300'));
    expect(begun.contactId).toBe(dst.contactId);
    const targetSince = await ingest(mail, msg('email', 'marta.g@example.org'));
    expect(targetSince.conversationId).toBe(dst.conversationId);
    await db().updateTable('contacts').set({ name: 'Marta G.' }).where('id', '=', dst.contactId).execute();

    const undone = await undoMerge(db(), { workspaceId: ws, mergeId: merge.id, actor: agent });
    expect(undone.merge.undoneAt).toBeInstanceOf(Date);
    const after = await picture([src.contactId, dst.contactId, srcMail.contactId]);
    const without = (p: typeof after, ids: string[]) => ({
      ...p,
      conversations: p.conversations.filter((c) => !ids.includes(c.id)),
      messages: p.messages.filter((m) => !ids.includes(m.conversation_id)),
    });
    // The name edited since the merge is kept; the country the merge filled is cleared again.
    const expected = {
      ...before,
      contacts: before.contacts.map((c) => (c.id === dst.contactId ? { ...c, name: 'Marta G.' } : c)),
      messages: [...before.messages],
    };
    const newMessages = after.messages.filter((m) => !before.messages.some((b) => b.id === m.id));
    expect(newMessages.map((m) => m.conversation_id).sort()).toEqual([begun.conversationId, dst.conversationId].sort());
    expect(without({ ...after, messages: after.messages.filter((m) => !newMessages.includes(m)) }, [begun.conversationId])).toEqual(
      expected,
    );
    // The conversation the source's number began after the merge went back with it, authored by it.
    const back = after.conversations.find((c) => c.id === begun.conversationId);
    expect(back?.contact_id).toBe(src.contactId);
    expect(after.messages.find((m) => m.conversation_id === begun.conversationId)?.author_id).toBe(src.contactId);
    expect(after.messages.find((m) => m.id === targetSince.messageId)?.author_id).toBe(dst.contactId);

    await expect(undoMerge(db(), { workspaceId: ws, mergeId: merge.id, actor: agent })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already undone'),
    });
    const logged = await db().selectFrom('events').select('type').where('conversation_id', '=', src.conversationId).execute();
    expect(logged.map((e) => e.type)).toEqual(expect.arrayContaining(['contact.merged', 'contact.merge_undone']));
  });

  it('refuses to undo a merge while a later one involving its contacts stands, and undoes both in reverse order', async () => {
    const a = await ingest(wa, msg('phone', '+34600400001'));
    const b = await ingest(wa, msg('phone', '+34600400002'));
    const c = await ingest(wa, msg('phone', '+34600400003'));
    const before = await picture([a.contactId, b.contactId, c.contactId]);
    const first = await mergeContacts(db(), { workspaceId: ws, sourceContactId: a.contactId, targetContactId: b.contactId, actor: agent });
    const second = await mergeContacts(db(), { workspaceId: ws, sourceContactId: b.contactId, targetContactId: c.contactId, actor: agent });
    await expect(undoMerge(db(), { workspaceId: ws, mergeId: first.merge.id, actor: agent })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(second.merge.id),
    });
    await undoMerge(db(), { workspaceId: ws, mergeId: second.merge.id, actor: agent });
    await undoMerge(db(), { workspaceId: ws, mergeId: first.merge.id, actor: agent });
    expect(await picture([a.contactId, b.contactId, c.contactId])).toEqual(before);
  });
});

describe('concurrent merges', () => {
  it('lets one of several merges of the same pair through and refuses the others, without deadlock or double moves', async () => {
    const a = await ingest(wa, msg('phone', '+34600500001'));
    const b = await ingest(wa, msg('phone', '+34600500002'));
    const attempts = [
      { s: a.contactId, t: b.contactId },
      { s: b.contactId, t: a.contactId },
      { s: a.contactId, t: b.contactId },
      { s: b.contactId, t: a.contactId },
    ];
    const results = await Promise.allSettled(
      attempts.map((x) => mergeContacts(db(), { workspaceId: ws, sourceContactId: x.s, targetContactId: x.t, actor: agent })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
    const records = await db()
      .selectFrom('contact_merges')
      .select('identity_ids')
      .where('source_contact_id', 'in', [a.contactId, b.contactId])
      .execute();
    expect(records).toHaveLength(1);
    expect(records[0]?.identity_ids).toHaveLength(1);
  });

  it('leaves nothing on the source when its customer writes while it is being merged', async () => {
    const a = await ingest(wa, msg('phone', '+34600600001'));
    const b = await ingest(mail, msg('email', 'pablo@example.com'));
    const burst = Array.from({ length: 20 }, (_, i) => ({
      event: msg('phone', '+34600600001', { thread: { contactThread: i % 2 === 0 } }),
    }));
    await Promise.all([
      ingestMany(db(), wa, burst.slice(0, 10), { now: new Date() }),
      mergeContacts(db(), { workspaceId: ws, sourceContactId: a.contactId, targetContactId: b.contactId, actor: agent }),
      ingestMany(db(), wa, burst.slice(10), { now: new Date() }),
    ]);
    const left = await db().selectFrom('conversations').select('id').where('contact_id', '=', a.contactId).execute();
    expect(left).toEqual([]);
    const authors = await db()
      .selectFrom('messages')
      .select('author_id')
      .distinct()
      .where(
        'conversation_id',
        'in',
        (await picture([b.contactId])).conversations.map((c) => c.id),
      )
      .where('direction', '=', 'inbound')
      .execute();
    expect(authors).toEqual([{ author_id: b.contactId }]);
  });
});

describe('merge suggestions', () => {
  it('keeps one open suggestion per pair and reason, and never suggests a dismissed pair again for that reason', async () => {
    const a = await ingest(wa, msg('phone', '+34600700001'));
    const b = await ingest(mail, msg('email', 'ines@example.com'));
    const base = {
      workspaceId: ws,
      contactId: b.contactId,
      otherContactId: a.contactId,
      evidence: [{ kind: 'message', text: 'mi número es 600 700 001', conversationId: b.conversationId, value: '+34600700001' }],
    };
    const first = await db()
      .transaction()
      .execute((trx) => suggestMerge(trx, { ...base, reason: 'shared_phone' }));
    expect(first).toEqual(expect.any(String));
    // The pair either way round is one pair.
    expect(await suggestMerge(db(), { ...base, contactId: a.contactId, otherContactId: b.contactId, reason: 'shared_phone' })).toBeNull();
    await dismissMergeSuggestion(db(), { workspaceId: ws, suggestionId: first as string, actor: agent });
    expect(await suggestMerge(db(), { ...base, reason: 'shared_phone' })).toBeNull();
    const byEmail = await suggestMerge(db(), { ...base, reason: 'shared_email' });
    expect(byEmail).toEqual(expect.any(String));
    const open = await listMergeSuggestions(db(), ws, { status: 'open', contactId: a.contactId });
    expect(open.map((s) => s.id)).toEqual([byEmail]);
    const dismissed = await listMergeSuggestions(db(), ws, { status: 'dismissed', contactId: a.contactId });
    expect(dismissed[0]).toMatchObject({ id: first, reason: 'shared_phone', decidedAt: expect.any(Date) });
    await expect(dismissMergeSuggestion(db(), { workspaceId: ws, suggestionId: first as string, actor: agent })).rejects.toMatchObject({
      code: 'conflict',
    });
    const suggested = await db().selectFrom('events').select('type').where('conversation_id', '=', b.conversationId).execute();
    expect(suggested.map((e) => e.type)).toContain('contact.merge_suggested');
  });

  it('accepts a handoff suggestion by merging the newer contact into the older and folding the new conversation, and undoes both', async () => {
    const older = await ingest(wa, msg('phone', '+34600800001'));
    const newer = await ingest(mail, msg('email', 'rocio@example.com', { thread: { externalThreadId: 'thread-rocio' } }));
    await ingest(mail, msg('email', 'rocio@example.com', { thread: { externalThreadId: 'thread-rocio' } }));
    const before = await picture([older.contactId, newer.contactId]);
    const links = async (conversationId: string) =>
      (
        await db()
          .selectFrom('conversation_identities')
          .select(['kind', 'external_id'])
          .where('conversation_id', '=', conversationId)
          .execute()
      ).map((l) => `${l.kind}:${l.external_id}`);
    const id = await suggestMerge(db(), {
      workspaceId: ws,
      contactId: older.contactId,
      otherContactId: newer.contactId,
      reason: 'handoff_code',
      evidence: [{ kind: 'handoff_code', text: 'Used code K7Q2 from rocio@example.com', conversationId: newer.conversationId }],
      conversationId: older.conversationId,
      joinConversationId: newer.conversationId,
    });
    const { merge } = await acceptMergeSuggestion(db(), { workspaceId: ws, suggestionId: id as string, actor: agent });
    expect(merge).toMatchObject({
      sourceContactId: newer.contactId,
      targetContactId: older.contactId,
      folded: [{ from: newer.conversationId, into: older.conversationId }],
    });
    const folded = await db()
      .selectFrom('conversations')
      .select(['status'])
      .where('id', '=', newer.conversationId)
      .executeTakeFirstOrThrow();
    expect(folded.status).toBe('resolved');
    const inOlder = await db().selectFrom('messages').select('id').where('conversation_id', '=', older.conversationId).execute();
    expect(inOlder).toHaveLength(3);
    expect(await links(older.conversationId)).toEqual(expect.arrayContaining(['phone:+34600800001', 'email:rocio@example.com']));
    expect(await links(newer.conversationId)).toEqual([]);
    // The email thread now answers into the conversation it was folded into.
    const reply = await ingest(mail, msg('email', 'rocio@example.com', { thread: { externalThreadId: 'thread-rocio' } }));
    expect(reply.conversationId).toBe(older.conversationId);
    await expect(acceptMergeSuggestion(db(), { workspaceId: ws, suggestionId: id as string, actor: agent })).rejects.toMatchObject({
      code: 'conflict',
    });

    await undoMerge(db(), { workspaceId: ws, mergeId: merge.id, actor: agent });
    const after = await picture([older.contactId, newer.contactId]);
    expect({ ...after, messages: after.messages.filter((m) => m.id !== reply.messageId) }).toEqual(before);
    expect(await links(newer.conversationId)).toEqual(['email:rocio@example.com']);
    expect(await links(older.conversationId)).toEqual(['phone:+34600800001']);
  });
});
