import { bigAttachmentMessage, type CorpusEntry, corpus, corpusFile } from '@centralita/channel-email/test-corpus';
import { waitFor } from '@centralita/channel-kit/conformance';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAccount, createFixture, type Fixture, useServer } from './harness.ts';

// The whole corpus through a real mailbox: delivered to Dovecot in order, read over IMAP by the
// server, threaded and stored. Two outbound messages exist first, for the bounces to fail.
const t = useServer({ worker: false, pullLockRetryMs: 200 });
let f: Fixture;
let peer: MailPeer;
let accountId = '';
const big = { raw: '', size: 0, messageId: '' };
const outbound: Record<string, string> = {};

interface Row {
  id: string;
  conversation_id: string;
  thread_rule: string | null;
  text: string;
  subject: string | null;
  external_id: string | null;
  automated: string | null;
}
const rows = new Map<string, Row>();

beforeAll(async () => {
  f = await createFixture(t);
  peer = await openMailPeer();
  accountId = await createEmailAccount(t.url, f.adminToken, peer.config);
  const db = t.db.current.db.kysely;
  const contact = await db
    .insertInto('contacts')
    .values({ workspace_id: f.workspaceId, name: 'Old customer', signals: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const conv = await db
    .insertInto('conversations')
    .values({
      workspace_id: f.workspaceId,
      contact_id: contact.id,
      channel_account_id: accountId,
      status: 'resolved',
      last_message_at: new Date(),
      resolved_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const id of ['<out-1@centralita.test>', '<out-2@centralita.test>']) {
    const m = await db
      .insertInto('messages')
      .values({
        workspace_id: f.workspaceId,
        conversation_id: conv.id,
        channel_account_id: accountId,
        direction: 'outbound',
        visibility: 'private',
        author_type: 'agent',
        text: 'Our earlier answer',
        external_id: id,
        delivery_state: 'sent',
        metadata: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    outbound[id] = m.id;
  }
  for (const entry of corpus) await peer.deliverRaw(corpusFile(entry.file), entry.from);
  Object.assign(big, bigAttachmentMessage(peer.mailbox.address));
  await peer.deliverRaw(big.raw, 'iker@example.net');
  const all = await waitFor(
    async () => {
      const found = await db
        .selectFrom('messages')
        .select(['id', 'conversation_id', 'thread_rule', 'text', 'subject', 'external_id', 'automated'])
        .where('channel_account_id', '=', accountId)
        .where('direction', '=', 'inbound')
        .execute();
      return found.length >= corpus.length + 1 ? found : undefined;
    },
    { timeoutMs: 60_000, what: `all ${corpus.length + 1} corpus messages to be stored` },
  );
  for (const entry of corpus) {
    const row = all.find((r) => (entry.messageId ? r.external_id === entry.messageId : r.subject === entry.subject));
    if (row) rows.set(entry.file, row);
  }
}, 120_000);

afterAll(async () => {
  await peer?.close();
});

const rowOf = (file: string): Row => {
  const row = rows.get(file);
  if (!row) throw new Error(`${file} was not stored`);
  return row;
};

describe('the email corpus, through Dovecot and the server', () => {
  it('stores every message exactly once', async () => {
    const count = await t.db.current.db.kysely
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel_account_id', '=', accountId)
      .where('direction', '=', 'inbound')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(corpus.length + 1);
    expect(rows.size).toBe(corpus.length);
  });

  for (const entry of corpus) {
    it(`${entry.file}: threads as ${entry.thread.rule}${'with' in entry.thread ? ` with ${entry.thread.with}` : ''}, with the expected text`, () => {
      const row = rowOf(entry.file);
      const thread = entry.thread;
      if (thread.rule === 'new') {
        expect(row.thread_rule).toBeNull();
        const earlier = corpus.slice(0, corpus.indexOf(entry)).map((e) => rowOf(e.file).conversation_id);
        expect(earlier).not.toContain(row.conversation_id);
      } else if (thread.rule === 'bounce') {
        expect(row.thread_rule).toBe('in_reply_to');
        expect(row.automated).toBe('bounce');
      } else if ('with' in thread) {
        expect(row.thread_rule).toBe(thread.rule);
        expect(row.conversation_id).toBe(rowOf(thread.with).conversation_id);
      }
      expect(row.automated ?? 'message').toBe(entry.kind);
      for (const s of entry.textIncludes) expect(row.text).toContain(s);
      for (const s of entry.textExcludes) expect(row.text).not.toContain(s);
    });
  }

  it('fails the outbound messages the bounces report, with the server’s reason', async () => {
    const db = t.db.current.db.kysely;
    for (const entry of corpus.filter((e): e is CorpusEntry & { bounceOf: string } => e.kind === 'bounce' && Boolean(e.bounceOf))) {
      const m = await db
        .selectFrom('messages')
        .select(['delivery_state', 'failure_reason'])
        .where('id', '=', outbound[entry.bounceOf] as string)
        .executeTakeFirstOrThrow();
      expect(m.delivery_state, entry.file).toBe('failed');
      expect(m.failure_reason).toMatch(/returned it/);
    }
  });

  it('keeps a 10 MB attachment whole in the attachment store', async () => {
    const db = t.db.current.db.kysely;
    const message = await db.selectFrom('messages').select('id').where('external_id', '=', big.messageId).executeTakeFirstOrThrow();
    const file = await db.selectFrom('attachments').selectAll().where('message_id', '=', message.id).executeTakeFirstOrThrow();
    expect(file.size).toBe(big.size);
    const blob = await db
      .selectFrom('attachment_blobs')
      .select((eb) => eb.fn<number>('octet_length', ['data']).as('n'))
      .where('key', '=', file.storage_key)
      .executeTakeFirstOrThrow();
    expect(Number(blob.n)).toBe(big.size);
  });

  it('never lets the automated messages reopen or re-queue a conversation', async () => {
    const db = t.db.current.db.kysely;
    const bounceConv = await db
      .selectFrom('conversations')
      .select(['status', 'awaiting_reply_since'])
      .where('id', '=', rowOf('23-bounce-dsn.eml').conversation_id)
      .executeTakeFirstOrThrow();
    expect(bounceConv.status).toBe('resolved');
    const vacation = await db
      .selectFrom('conversations')
      .select('awaiting_reply_since')
      .where('id', '=', rowOf('21-auto-reply-x-autoreply.eml').conversation_id)
      .executeTakeFirstOrThrow();
    expect(vacation.awaiting_reply_since).toBeNull();
  });
});
