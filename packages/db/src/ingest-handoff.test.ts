import { type MessageReceivedEvent, newHandoffCode } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { insertHandoff } from './repos/handoffs.ts';
import { createWorkspace } from './repos/workspaces.ts';

// A customer handed off from X to WhatsApp or email: the first message on the new channel finds
// the conversation by the code it carries or by being who the handoff went to, and only then.

const database = useTestDatabase();
let ws: string;
let x: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };
let wa: typeof x;
let mail: typeof x;

beforeAll(async () => {
  const db = database.current.db.kysely;
  ws = (await createWorkspace(db, { slug: 'handoffs', name: 'Handoffs' })).id;
  const account = async (kind: string) =>
    (await createChannelAccount(db, { workspaceId: ws, kind, name: kind, settings: {}, secretsEncrypted: null })).id;
  x = { workspaceId: ws, channelAccountId: await account('twitter'), reopenWindowMinutes: 60 };
  wa = { ...x, channelAccountId: await account('whatsapp') };
  mail = { ...x, channelAccountId: await account('email') };
});

let n = 0;
function message(kind: string, externalId: string, text: string, thread: MessageReceivedEvent['thread'] = {}): MessageReceivedEvent {
  n += 1;
  return {
    type: 'message.received',
    externalMessageId: `m${n}`,
    occurredAt: new Date(),
    sender: { kind, externalId, verified: true, displayName: 'Marta' },
    text,
    visibility: kind === 'twitter' ? 'public' : 'private',
    thread,
  };
}

const ingest = (target: typeof x, e: MessageReceivedEvent, now = new Date()) =>
  ingestMessage(database.current.db.kysely, target, e, { now });

async function handoff(
  conversationId: string,
  to: typeof x,
  opts: { code?: string; expected?: { kind: string; externalId: string }; expiresInMs?: number; public?: boolean },
) {
  return insertHandoff(database.current.db.kysely, {
    workspaceId: ws,
    conversationId,
    fromChannelAccountId: x.channelAccountId,
    target: to === wa ? 'whatsapp' : 'email',
    channelAccountId: to.channelAccountId,
    method: to === wa ? 'wa_link' : 'mail',
    code: opts.code ?? null,
    link: null,
    public: opts.public === true,
    expected: opts.expected ?? null,
    expiresAt: new Date(Date.now() + (opts.expiresInMs ?? 3_600_000)),
    createdBy: { type: 'system', id: null },
    now: new Date(),
  });
}

async function identitiesOf(contactId: string) {
  const rows = await database.current.db.kysely
    .selectFrom('identities')
    .select(['kind', 'external_id'])
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((r) => `${r.kind}:${r.external_id}`).sort();
}

async function suggestionsFor(contactId: string) {
  return database.current.db.kysely
    .selectFrom('merge_suggestions')
    .selectAll()
    .where('workspace_id', '=', ws)
    .execute()
    .then((rows) => rows.filter((r) => JSON.stringify(r).includes(contactId)));
}

describe('handoff threading', () => {
  it('joins a WhatsApp message carrying the code, makes the number the contact’s, and keeps the next messages there', async () => {
    const post = await ingest(x, message('twitter', 'x-100', '@marca sin fibra desde ayer'));
    const code = newHandoffCode();
    await handoff(post.conversationId, wa, { code });
    const first = await ingest(wa, message('phone', '+34611000100', `Hola, vengo de X. Referencia ${code}`, { contactThread: true }));
    expect(first.conversationId).toBe(post.conversationId);
    expect(first.threadRule).toBe('handoff');
    expect(first.handoff).toMatchObject({ result: 'joined' });
    expect(await identitiesOf(post.conversation.contactId)).toEqual(['phone:+34611000100', 'twitter:x-100']);
    const next = await ingest(wa, message('phone', '+34611000100', '¿Alguna novedad?', { contactThread: true }));
    expect(next.conversationId).toBe(post.conversationId);
    // A second use of the same code is the same as the first.
    const again = await ingest(wa, message('phone', '+34611000100', `Otra vez ${code}`, { contactThread: true }));
    expect(again.conversationId).toBe(post.conversationId);
  });

  it('keeps a code that was posted in public apart: a stranger could have read it, so a person decides', async () => {
    const post = await ingest(x, message('twitter', 'x-150', '@marca otra vez sin línea'));
    const code = newHandoffCode();
    await handoff(post.conversationId, wa, { code, public: true });
    const used = await ingest(wa, message('phone', '+34611000150', `Hola ${code}`, { contactThread: true }));
    expect(used.conversationId).not.toBe(post.conversationId);
    expect(used.handoff).toMatchObject({ result: 'refused', conversationId: post.conversationId });
    expect(await identitiesOf(post.conversation.contactId)).toEqual(['twitter:x-150']);
    const [s] = await suggestionsFor(post.conversation.contactId);
    expect(s).toMatchObject({ reason: 'handoff_code', conversation_id: post.conversationId, join_conversation_id: used.conversationId });
  });

  it('ignores codes on another account than the handoff’s, and a message that carries many codes', async () => {
    const post = await ingest(x, message('twitter', 'x-160', '@marca hola'));
    const code = newHandoffCode();
    await handoff(post.conversationId, wa, { code });
    const byMail = await ingest(mail, message('email', 'flood@example.test', `mi referencia ${code}`));
    expect([byMail.conversationId === post.conversationId, byMail.handoff]).toEqual([false, null]);
    const flood = await ingest(
      wa,
      message('phone', '+34611000160', [newHandoffCode(), code, newHandoffCode()].join(' '), { contactThread: true }),
    );
    expect([flood.conversationId === post.conversationId, flood.handoff]).toEqual([false, null]);
    expect(await identitiesOf(post.conversation.contactId)).toEqual(['twitter:x-160']);
  });

  it('leaves an answer in its own thread when the expected person writes in another one', async () => {
    const billing = await ingest(
      mail,
      message('email', 'marta7@example.test', 'Factura de octubre', { subject: { key: 'factura', windowMinutes: 60 } }),
    );
    const post = await ingest(x, message('twitter', 'x-170', '@marca sin servicio'));
    await handoff(post.conversationId, mail, { expected: { kind: 'email', externalId: 'marta7@example.test' } });
    const billingMessageId = billing.messageId;
    const ext = await database.current.db.kysely
      .selectFrom('messages')
      .select('external_id')
      .where('id', '=', billingMessageId)
      .executeTakeFirstOrThrow();
    const inThread = await ingest(
      mail,
      message('email', 'marta7@example.test', 'Sobre la factura', { inReplyTo: [ext.external_id as string] }),
    );
    expect(inThread.conversationId).toBe(billing.conversationId);
    expect(inThread.handoff).toBeNull();
  });

  it('never lets an unproven sender be what a genuine message threads by', async () => {
    const spoof: MessageReceivedEvent = {
      ...message('email', 'victim@example.test', 'Cambiad mi IBAN', { subject: { key: 'cambio de cuenta', windowMinutes: 600 } }),
      sender: { kind: 'email', externalId: 'victim@example.test', verified: false },
    };
    const fake = await ingest(mail, spoof);
    const genuine = await ingest(
      mail,
      message('email', 'victim@example.test', 'Hola', { subject: { key: 'cambio de cuenta', windowMinutes: 600 } }),
    );
    expect(genuine.conversationId).not.toBe(fake.conversationId);
  });

  it('only suggests when the code comes from a number another contact has', async () => {
    const other = await ingest(wa, message('phone', '+34611000200', 'Hola', { contactThread: true }));
    const post = await ingest(x, message('twitter', 'x-200', '@marca me cobráis de más'));
    const code = newHandoffCode();
    await handoff(post.conversationId, wa, { code });
    const used = await ingest(wa, message('phone', '+34611000200', code, { contactThread: true }));
    expect(used.conversationId).toBe(other.conversationId);
    expect(used.handoff).toMatchObject({ result: 'refused' });
    const [s] = await suggestionsFor(post.conversation.contactId);
    expect(s).toMatchObject({ reason: 'handoff_code', conversation_id: post.conversationId, join_conversation_id: other.conversationId });
    expect(await identitiesOf(post.conversation.contactId)).toEqual(['twitter:x-200']);
  });

  it('does not join after the code expired: a new conversation, suggested for the old one', async () => {
    const post = await ingest(x, message('twitter', 'x-300', '@marca no me llega la factura'));
    const code = newHandoffCode();
    await handoff(post.conversationId, wa, { code, expiresInMs: -1000 });
    const late = await ingest(wa, message('phone', '+34611000300', `Hola ${code}`, { contactThread: true }));
    expect(late.conversationId).not.toBe(post.conversationId);
    expect(late.handoff).toMatchObject({ result: 'expired', conversationId: post.conversationId });
    const [s] = await suggestionsFor(post.conversation.contactId);
    expect(s).toMatchObject({ reason: 'handoff_expired', join_conversation_id: late.conversationId });
  });

  it('joins the answer from the address the first mail went to, and that address becomes the contact’s', async () => {
    const post = await ingest(x, message('twitter', 'x-400', '@marca quiero darme de baja'));
    await handoff(post.conversationId, mail, { expected: { kind: 'email', externalId: 'Marta@Example.test' } });
    const answer = await ingest(
      mail,
      message('email', 'marta@example.test', 'Os escribo por aquí', { subject: { key: 'baja', windowMinutes: 60 } }),
    );
    expect(answer.conversationId).toBe(post.conversationId);
    expect(answer.conversation.contactId).toBe(post.conversation.contactId);
    expect(await identitiesOf(post.conversation.contactId)).toEqual(['email:marta@example.test', 'twitter:x-400']);
  });

  it('does not join a mail from an address the handoff was not sent to', async () => {
    const post = await ingest(x, message('twitter', 'x-500', '@marca ayuda'));
    await handoff(post.conversationId, mail, { expected: { kind: 'email', externalId: 'marta5@example.test' } });
    const stranger = await ingest(mail, message('email', 'someone@example.test', 'hola'));
    expect(stranger.conversationId).not.toBe(post.conversationId);
    expect(stranger.handoff).toBeNull();
  });
});
