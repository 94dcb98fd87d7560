import type { ChannelContext } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import type { InboundEvent, MessageReceivedEvent } from '@centralita/core';
import { type MailPeer, type MailPeerConfig, openMailPeer } from '@centralita/testing';
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointKey, createEmailAdapter, type EmailConfig } from '../src/index.ts';

// The IMAP reader's own promises, against a real Dovecot mailbox.
const adapter = createEmailAdapter({ reconnect: { minDelayMs: 50, maxDelayMs: 500 } });
const open: { stop(): Promise<void> }[] = [];
const peers: MailPeer[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) await c.stop();
  for (const p of peers.splice(0)) await p.close();
});

async function start(config: EmailConfig, store = createMemoryStore(), refuse?: (event: InboundEvent) => boolean) {
  const ctx: MemoryContext = createMemoryContext({ store });
  if (refuse) {
    // A host that refuses some events, as PostgreSQL refuses a row it cannot hold.
    const emit = ctx.emit.bind(ctx);
    (ctx as ChannelContext).emit = async (event, options) => {
      if (refuse(event)) throw new Error('the host refused it');
      return emit(event, options);
    };
  }
  const conn = adapter.connect({ id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'Soporte', config }, ctx);
  await conn.start(new AbortController().signal);
  open.push(conn);
  return { ctx, store };
}

async function peerWith(overrides: Partial<EmailConfig> = {}) {
  const peer = await openMailPeer(overrides as Partial<MailPeerConfig>);
  peers.push(peer);
  return { peer, config: peer.config as EmailConfig };
}

const texts = (events: readonly { type: string }[]) =>
  events.filter((e): e is MessageReceivedEvent => e.type === 'message.received').map((e) => e.text);

async function folderCount(config: EmailConfig, folder: string, flag?: string): Promise<number> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: config.imapPort,
    secure: false,
    auth: { user: config.imapUser, pass: config.imapPassword },
    logger: false,
    tls: { rejectUnauthorized: false },
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const found = await client.search(flag ? { seen: true } : { all: true }, { uid: true });
      return Array.isArray(found) ? found.length : 0;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('the IMAP reader', () => {
  it('reads the whole mailbox again when the server renumbers it (UIDVALIDITY), one event per message', async () => {
    const { peer, config } = await peerWith();
    await peer.send({ from: 'a@example.com', text: 'uno' });
    await peer.send({ from: 'a@example.com', text: 'dos' });
    const store = createMemoryStore();
    // A checkpoint from a mailbox that no longer exists: far past the end, another UIDVALIDITY.
    await store.setCursor(checkpointKey('INBOX'), JSON.stringify({ uidValidity: '1', lastUid: 999 }));
    const { ctx } = await start(config, store);
    await waitFor(() => ctx.emitted.length >= 2, { what: 'both messages re-read' });
    expect(texts(ctx.emitted)).toEqual(['uno', 'dos']);
    const saved = JSON.parse((await store.getCursor(checkpointKey('INBOX'))) ?? '{}');
    expect(saved.uidValidity).not.toBe('1');
    expect(saved.lastUid).toBe(2);
  });

  it('skips the mail already there when told not to import it', async () => {
    const { peer, config } = await peerWith({ importExisting: false });
    await peer.send({ from: 'a@example.com', text: 'vieja' });
    const { ctx, store } = await start(config);
    // "From then on" means from the reader's first look at the mailbox: its first checkpoint.
    await waitFor(() => store.getCursor(checkpointKey('INBOX')).then((c) => c ?? undefined), { what: 'the first checkpoint' });
    await peer.send({ from: 'a@example.com', text: 'nueva' });
    await waitFor(() => ctx.emitted.length >= 1, { what: 'the new message' });
    expect(texts(ctx.emitted)).toEqual(['nueva']);
  });

  it('moves processed mail to a folder, or flags it, when asked', async () => {
    const moved = await peerWith({ afterProcessing: 'move', moveTo: 'Archive' });
    await moved.peer.send({ from: 'a@example.com', text: 'archívame' });
    const a = await start(moved.config);
    await waitFor(() => a.ctx.emitted.length >= 1, { what: 'the message' });
    await waitFor(async () => (await folderCount(moved.config, 'Archive')) === 1, { what: 'the message in Archive' });
    expect(await folderCount(moved.config, 'INBOX')).toBe(0);

    const flagged = await peerWith({ afterProcessing: 'flag' });
    await flagged.peer.send({ from: 'a@example.com', text: 'márcame' });
    const b = await start(flagged.config);
    await waitFor(() => b.ctx.emitted.length >= 1, { what: 'the message' });
    await waitFor(async () => (await folderCount(flagged.config, 'INBOX', 'seen')) === 1, { what: 'the message flagged \\Seen' });
  });

  it('stores an oversized message from its headers with a note, and reads on', async () => {
    const { peer, config } = await peerWith({ maxMessageBytes: 2048 });
    await peer.send({ from: 'a@example.com', subject: 'Enorme', text: 'x'.repeat(10_000) });
    await peer.send({ from: 'a@example.com', subject: 'Normal', text: 'pequeño' });
    const { ctx } = await start(config);
    await waitFor(() => ctx.emitted.length >= 2, { what: 'both messages' });
    const [big, small] = ctx.emitted as MessageReceivedEvent[];
    expect(big?.subject).toBe('Enorme');
    expect(big?.text).toMatch(/over this account's limit.*still in the mailbox/);
    expect(small?.text).toBe('pequeño');
  });

  it('marks mail whose sender failed authentication as unverified', async () => {
    const { peer, config } = await peerWith();
    await peer.send({
      from: 'ceo@example.com',
      text: 'Transfiere ya',
      headers: { 'Authentication-Results': 'mx.centralita.test; spf=fail smtp.mailfrom=example.com; dmarc=fail header.from=example.com' },
    });
    const { ctx } = await start(config);
    const [event] = (await waitFor(() => (ctx.emitted.length >= 1 ? ctx.emitted : undefined), {
      what: 'the message',
    })) as MessageReceivedEvent[];
    expect(event?.sender.verified).toBe(false);
  });

  it('stores a message the host keeps refusing as quarantined, with its source, and reads on', async () => {
    const { peer, config } = await peerWith();
    await peer.send({ from: 'a@example.com', subject: 'Rechazado', text: 'el host no lo quiere' });
    await peer.send({ from: 'a@example.com', subject: 'Siguiente', text: 'detrás' });
    // The refusal drops the connection each time; the count must survive the reconnects.
    const { ctx } = await start(
      config,
      createMemoryStore(),
      (e) => e.type === 'message.received' && e.subject === 'Rechazado' && !e.metadata?.quarantine,
    );
    await waitFor(() => ctx.stored.size >= 2, { what: 'both messages stored', timeoutMs: 20_000 });
    const stored = (ctx.emitted as MessageReceivedEvent[]).filter((e) => e.metadata?.quarantine || e.subject === 'Siguiente');
    const [quarantined, next] = stored;
    expect(quarantined?.subject).toBe('Rechazado');
    expect(quarantined?.metadata?.quarantine).toMatchObject({
      reason: expect.stringMatching(/refused to store it 3 times \(the host refused it\)/),
    });
    expect(quarantined?.attachments?.[0]).toMatchObject({ filename: 'original.eml', contentType: 'message/rfc822' });
    expect(Buffer.from(quarantined?.attachments?.[0]?.content ?? []).toString()).toContain('el host no lo quiere');
    expect(next?.text).toBe('detrás');
  });

  it('loses nothing while the host is down: a message is stored whole once it is back', async () => {
    const { peer, config } = await peerWith();
    await peer.send({ from: 'a@example.com', subject: 'Durante la caída', text: 'sigue aquí' });
    let refusals = 0;
    // Down for six attempts, quarantined copies included, then up again: the first attempt after
    // the outage must be the whole message again, not a quarantined copy.
    const { ctx } = await start(config, createMemoryStore(), () => ++refusals <= 6);
    await waitFor(() => ctx.stored.size >= 1, { what: 'the message stored', timeoutMs: 20_000 });
    const stored = (ctx.emitted as MessageReceivedEvent[]).at(-1);
    expect(stored?.text).toBe('sigue aquí');
    expect(stored?.metadata?.quarantine).toBeUndefined();
  });
});
