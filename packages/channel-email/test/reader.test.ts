import type { ChannelContext, EmitResult } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, type MemoryContext, waitFor } from '@centralita/channel-kit/conformance';
import type { InboundEvent, MessageReceivedEvent } from '@centralita/core';
import { type MailPeer, type MailPeerConfig, openMailPeer } from '@centralita/testing';
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { type Checkpoint, checkpointKey, createEmailAdapter, type EmailConfig } from '../src/index.ts';
import { corpusFile } from './corpus.ts';

// The IMAP reader's own promises, against a real Dovecot mailbox.
const adapter = createEmailAdapter({ reconnect: { minDelayMs: 50, maxDelayMs: 500 } });
const open: { stop(): Promise<void> }[] = [];
const peers: MailPeer[] = [];

afterEach(async () => {
  for (const c of open.splice(0)) await c.stop();
  for (const p of peers.splice(0)) await p.close();
});

/** One `emitMany` the reader made: what it handed over, and what came back (null: rejected whole). */
interface Call {
  events: InboundEvent[];
  results: (EmitResult | Error)[] | null;
}

/** A host that refuses some events alone, as PostgreSQL refuses a row it cannot hold, or is down. */
interface Host {
  /** This event is refused alone: an `Error` entry from `emitMany`, a rejected `emit`. */
  refuse?: (event: InboundEvent) => boolean;
  /** This call (of `emit` or `emitMany`) fails whole, as when the database is down: nothing stored. */
  down?: () => boolean;
  /** Holds an `emitMany` until this settles. */
  hold?: (events: InboundEvent[]) => Promise<void> | undefined;
}

async function start(config: EmailConfig, store = createMemoryStore(), host: Host = {}) {
  const ctx: MemoryContext = createMemoryContext({ store });
  const calls: Call[] = [];
  /** Each checkpoint saved, with the subjects stored when it was. */
  const checkpoints: { lastUid: number; stored: string[] }[] = [];
  const { emit, emitMany } = ctx;
  const refused = () => new Error('the host refused it');
  (ctx as ChannelContext).emit = async (event, options) => {
    if (host.down?.()) throw new Error('the database is down');
    if (host.refuse?.(event)) throw refused();
    return emit(event, options);
  };
  (ctx as ChannelContext).emitMany = async (events, options) => {
    const call: Call = { events, results: null };
    calls.push(call);
    await host.hold?.(events);
    if (host.down?.()) throw new Error('the database is down');
    const refusing = events.map((e) => host.refuse?.(e) === true);
    const results = await emitMany(
      events.filter((_, i) => !refusing[i]),
      options,
    );
    call.results = events.map((_, i) => (refusing[i] ? refused() : (results.shift() as EmitResult | Error)));
    return call.results;
  };
  const setCursor = store.setCursor.bind(store);
  store.setCursor = async (key, value) => {
    checkpoints.push({ lastUid: (JSON.parse(value) as Checkpoint).lastUid, stored: subjects(ctx.emitted) });
    return setCursor(key, value);
  };
  const conn = adapter.connect({ id: ctx.account.id, workspaceId: ctx.account.workspaceId, name: 'Soporte', config }, ctx);
  await conn.start(new AbortController().signal);
  open.push(conn);
  return { ctx, store, calls, checkpoints };
}

async function peerWith(overrides: Partial<EmailConfig> = {}) {
  const peer = await openMailPeer(overrides as Partial<MailPeerConfig>);
  peers.push(peer);
  return { peer, config: peer.config as EmailConfig };
}

const received = (events: readonly InboundEvent[]) => events.filter((e): e is MessageReceivedEvent => e.type === 'message.received');
const texts = (events: readonly InboundEvent[]) => received(events).map((e) => e.text);
const subjects = (events: readonly InboundEvent[]) => received(events).map((e) => e.subject ?? '');

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

  it('moves what was stored even when a message before it was refused, and the refused one once stored', async () => {
    const { peer, config } = await peerWith({ afterProcessing: 'move', moveTo: 'Archive' });
    for (let i = 1; i <= 3; i++) await peer.send({ from: 'a@example.com', subject: `m${i}`, text: `mensaje ${i}` });
    let refusals = 0;
    const { ctx } = await start(config, createMemoryStore(), {
      refuse: (e) => e.type === 'message.received' && e.subject === 'm2' && ++refusals === 1,
    });
    await waitFor(() => ctx.stored.size >= 3, { what: 'all three stored', timeoutMs: 20_000 });
    await waitFor(async () => (await folderCount(config, 'Archive')) === 3, { what: 'all three in Archive' });
    expect(await folderCount(config, 'INBOX')).toBe(0);
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

  it('stores each chunk with one emitMany, in UID order, a bounce and its delivery failure together', async () => {
    const { peer, config } = await peerWith();
    for (let i = 1; i <= 54; i++) await peer.send({ from: 'a@example.com', subject: `m${i}`, text: `mensaje ${i}` });
    await peer.deliverRaw(corpusFile('23-bounce-dsn.eml'), 'mailer-daemon@mx1.example.net');
    const { ctx, calls } = await start(config);
    await waitFor(() => ctx.stored.size >= 56, { what: 'every message and the delivery failure' });
    // Chunks hold at most 50 messages: 50, then the other 4 and the bounce.
    expect(calls.map((c) => c.events.length)).toEqual([50, 6]);
    expect(subjects(calls.flatMap((c) => c.events)).slice(0, 54)).toEqual(Array.from({ length: 54 }, (_, i) => `m${i + 1}`));
    expect(calls[1]?.events.slice(-2).map((e) => e.type)).toEqual(['message.received', 'delivery.updated']);
    expect(ctx.emitted).toEqual(calls.flatMap((c) => c.events));
  });

  it('keeps the messages after one refused in the middle of a chunk, and never checkpoints past it', async () => {
    const { peer, config } = await peerWith();
    for (let i = 1; i <= 5; i++) await peer.send({ from: 'a@example.com', subject: `m${i}`, text: `mensaje ${i}` });
    const { ctx, calls, checkpoints } = await start(config, createMemoryStore(), {
      refuse: (e) => e.type === 'message.received' && e.subject === 'm3' && !e.metadata?.quarantine,
    });
    await waitFor(() => ctx.stored.size >= 5, { what: 'all five stored, m3 quarantined', timeoutMs: 20_000 });
    // The first batch was the whole chunk: m3 failed alone, and what came after it was stored.
    const [first] = calls;
    expect(subjects(first?.events ?? [])).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(first?.results?.map((r) => r instanceof Error)).toEqual([false, false, true, false, false]);
    // No checkpoint passed a message that was not stored when it was saved.
    for (const c of checkpoints) {
      for (let uid = 1; uid <= c.lastUid; uid++) expect(c.stored).toContain(`m${uid}`);
    }
    expect(checkpoints.map((c) => c.lastUid)).toContain(2);
    await waitFor(() => checkpoints.at(-1)?.lastUid === 5 || undefined, { what: 'the checkpoint past m5' });
    const quarantined = received(ctx.emitted).find((e) => e.metadata?.quarantine);
    expect(quarantined?.subject).toBe('m3');
    expect(new Set(subjects(ctx.emitted))).toEqual(new Set(['m1', 'm2', 'm3', 'm4', 'm5']));
  });

  it('reads the chunk again when emitMany is rejected whole, and batches again once past it', async () => {
    const { peer, config } = await peerWith();
    for (let i = 1; i <= 4; i++) await peer.send({ from: 'a@example.com', subject: `m${i}`, text: `mensaje ${i}` });
    let calls = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const {
      ctx,
      calls: made,
      checkpoints,
    } = await start(config, createMemoryStore(), {
      down: () => ++calls === 1,
      // m4 on its own waits until two more messages are in the mailbox.
      hold: (events) => (subjects(events).join() === 'm4' ? released : undefined),
    });
    await waitFor(() => made.length >= 5 || undefined, { what: 'the chunk read again', timeoutMs: 20_000 });
    await peer.send({ from: 'a@example.com', subject: 'm5', text: 'mensaje 5' });
    await peer.send({ from: 'a@example.com', subject: 'm6', text: 'mensaje 6' });
    release();
    await waitFor(() => ctx.stored.size >= 6, { what: 'all six stored' });
    expect(made[0]?.results).toBeNull();
    // The chunk was read again from the same place, nothing stored and no checkpoint in between,
    // one message per batch until past it (so one that fails a batch whole is found); then the
    // next chunk went in one batch again.
    expect(made.map((c) => subjects(c.events))).toEqual([['m1', 'm2', 'm3', 'm4'], ['m1'], ['m2'], ['m3'], ['m4'], ['m5', 'm6']]);
    expect(subjects(ctx.emitted)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    await waitFor(() => checkpoints.at(-1)?.lastUid === 6 || undefined, { what: 'the checkpoint past m6' });
    expect(checkpoints.map((c) => c.lastUid)).toEqual([0, 4, 6]);
  });

  it('stores a message the host keeps refusing as quarantined, with its source, and reads on', async () => {
    const { peer, config } = await peerWith();
    await peer.send({ from: 'a@example.com', subject: 'Rechazado', text: 'el host no lo quiere' });
    await peer.send({ from: 'a@example.com', subject: 'Siguiente', text: 'detrás' });
    // The refusal drops the connection each time; the count must survive the reconnects.
    const { ctx } = await start(config, createMemoryStore(), {
      refuse: (e) => e.type === 'message.received' && e.subject === 'Rechazado' && !e.metadata?.quarantine,
    });
    await waitFor(() => ctx.stored.size >= 2, { what: 'both messages stored', timeoutMs: 20_000 });
    // The one after it was stored in the same batch as the first refusal, before the quarantined copy.
    const quarantined = received(ctx.emitted).find((e) => e.metadata?.quarantine);
    const next = received(ctx.emitted).find((e) => e.subject === 'Siguiente');
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
    const { ctx } = await start(config, createMemoryStore(), { down: () => ++refusals <= 6 });
    await waitFor(() => ctx.stored.size >= 1, { what: 'the message stored', timeoutMs: 20_000 });
    const stored = (ctx.emitted as MessageReceivedEvent[]).at(-1);
    expect(stored?.text).toBe('sigue aquí');
    expect(stored?.metadata?.quarantine).toBeUndefined();
    // Three refusals, then the two quarantined copies refused too: the count started again.
    expect(refusals).toBe(7);
  });
});
