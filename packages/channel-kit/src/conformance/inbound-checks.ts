import type { MessageReceivedEvent } from '@centralita/core';
import { expect, it } from 'vitest';
import type { WebhookRequest } from '../contract.ts';
import type { ModeKit } from './kit.ts';
import { createMemoryStore, type MemoryStore } from './memory-context.ts';
import { waitFor } from './wait.ts';

/**
 * How one mode's account takes in a customer message: one well-formed event, the same external id
 * however often it is read, a failed emit never lost, and a reply threaded to what it answers.
 */
export function inboundChecks<Config>(mode: ModeKit<Config>): void {
  const { adapter, options, timeoutMs, open, connect, receive } = mode;

  it('turns a customer message into one message.received event', async (t) => {
    const { peer, conn, ctx, caps } = await open(t);
    const event = await receive(peer, conn, ctx, { from: 'ana@example.com', text: 'Mi fibra no funciona' });
    expect(event.externalMessageId.length).toBeGreaterThan(0);
    expect(event.occurredAt).toBeInstanceOf(Date);
    expect(event.sender.externalId.length).toBeGreaterThan(0);
    expect(event.sender.verified).toBe(caps.verifiedSenders);
    expect(caps.visibilities).toContain(event.visibility);
    // Replies go to the contact's identity of a kind the adapter addresses (`addressKinds`, else
    // its own kind): a sender of another kind would get none, unless the adapter documents why
    // (options.senderKind).
    const addressed = options.senderKind ? [options.senderKind.kind] : adapter.addressKinds?.length ? adapter.addressKinds : [adapter.kind];
    expect(addressed, options.senderKind?.because ?? 'the sender’s kind is one the adapter addresses replies to').toContain(
      event.sender.kind,
    );
  });

  it('gives a message the same external id when a new connection reads it', async (t) => {
    const store = createMemoryStore();
    const { peer, conn, ctx, config, caps } = await open(t, undefined, store);
    if (caps.inbound.push) {
      const req = await peer.inbound({ from: 'ines@example.com', text: 'read twice' });
      if (req) {
        expect((await conn.handleWebhook?.(req))?.status).toBeLessThan(300);
        const first = await waitFor(() => ctx.emitted.find((e) => e.type === 'message.received'), { timeoutMs, what: 'the first read' });
        // Another node (another connection, the same account and store) gets the same delivery.
        // It emits the same external id, or, when the channel's delivery id is claimed in the
        // shared store (X's event_uuid), knows it was stored and emits nothing: a webhook is
        // answered only after its emit, so an emit would be there by now.
        const other = await connect(config, store);
        expect((await other.conn.handleWebhook?.(req))?.status).toBeLessThan(300);
        const again = other.ctx.emitted.find((e) => e.type === 'message.received');
        if (again) expect(again.externalMessageId).toBe(first.externalMessageId);
        return;
      }
    }
    // Pull: a connection that starts from where the first stood before the message re-reads it.
    await receive(peer, conn, ctx, { from: 'ines@example.com', text: 'warming up' });
    const before = (store as MemoryStore).snapshot();
    const first = await receive(peer, conn, ctx, { from: 'ines@example.com', text: 'read twice' });
    const other = await connect(config, before);
    const again = await waitFor(
      () => other.ctx.emitted.find((e): e is MessageReceivedEvent => e.type === 'message.received' && e.text.includes('read twice')),
      { timeoutMs, what: 'a new connection to read the message again' },
    );
    expect(again.externalMessageId).toBe(first.externalMessageId);
  });

  it('answers non-2xx when an emit fails, and stores the redelivery', async (t) => {
    const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.push && 'takes no webhooks');
    const req = await peer.inbound({ from: 'olga@example.com', text: 'the database blinked' });
    expect(req, 'a push peer returns the request the channel would make').not.toBeNull();
    ctx.rejectEmits(1);
    const failed = await conn.handleWebhook?.(req as WebhookRequest);
    expect(ctx.rejected, 'the adapter emitted the delivery').toHaveLength(1);
    expect(failed?.status, 'a delivery that was not stored must be answered so the channel delivers it again').toBeGreaterThanOrEqual(300);
    // The channel delivers again: nothing may remember it as handled.
    const retried = await conn.handleWebhook?.(req as WebhookRequest);
    expect(retried?.status, `the redelivery was answered ${retried?.status}: ${JSON.stringify(retried?.body)}`).toBeLessThan(300);
    const stored = ctx.emitted.find((e) => e.type === 'message.received');
    expect(stored, 'the redelivery after a failed emit is stored, not dropped as a duplicate').toBeDefined();
    expect(stored?.externalMessageId).toBe(ctx.rejected[0]?.externalMessageId);
  });

  it('keeps its cursor before a message whose emit failed, and delivers it again', async (t) => {
    const store = createMemoryStore();
    const { peer, conn, ctx, config, abort } = await open(t, (caps) => !caps.inbound.pull && 'does not poll', store);
    await receive(peer, conn, ctx, { from: 'pia@example.com', text: 'before the outage' });
    // The same connection retries a message the host refused once.
    ctx.rejectEmits(1);
    await peer.inbound({ from: 'pia@example.com', text: 'refused once' });
    await waitFor(() => ctx.rejected.length >= 1, { timeoutMs, what: 'the adapter to emit the message' });
    await waitFor(() => ctx.emitted.some((e) => e.type === 'message.received' && e.text.includes('refused once')), {
      timeoutMs,
      what: 'the refused message to be emitted again',
    });
    // The host stays down; the connection stops. A later one, from the same store, must not
    // have skipped the message.
    ctx.rejectEmits(Number.POSITIVE_INFINITY);
    await peer.inbound({ from: 'pia@example.com', text: 'refused until a restart' });
    await waitFor(() => ctx.rejected.some((e) => e.type === 'message.received' && e.text.includes('refused until a restart')), {
      timeoutMs,
      what: 'the adapter to emit the message',
    });
    abort.abort();
    await conn.stop();
    const next = await connect(config, store);
    await waitFor(() => next.ctx.emitted.some((e) => e.type === 'message.received' && e.text.includes('refused until a restart')), {
      timeoutMs,
      what: 'the message refused before the restart to be read again: the cursor moved past it',
    });
  });

  it('gives the same delivery the same external id, so the host stores it once', async (t) => {
    const { peer, conn, ctx } = await open(t);
    const req = await peer.inbound({ from: 'luis@example.com', text: 'duplicate me' });
    if (req) {
      await conn.handleWebhook?.(req);
      await conn.handleWebhook?.(req);
      await waitFor(() => ctx.emitted.length >= 1, { timeoutMs, what: 'the first emit' });
      const ids = new Set(ctx.emitted.map((e) => e.externalMessageId));
      expect(ids.size).toBe(1);
    } else {
      await waitFor(() => ctx.emitted.length >= 1, { timeoutMs, what: 'the pulled message' });
      expect(new Set(ctx.emitted.map((e) => e.externalMessageId)).size).toBe(ctx.emitted.length > 0 ? 1 : 0);
    }
  });

  it('threads a customer reply to the message it answers', async (t) => {
    const { peer, conn, ctx } = await open(t, (caps) => caps.threading === 'host' && 'threads only through the customer page');
    const first = await receive(peer, conn, ctx, { from: 'eva@example.com', text: 'first question' });
    const reply = await receive(peer, conn, ctx, { from: 'eva@example.com', text: 'follow-up', replyTo: first });
    const th = reply.thread;
    const linked =
      (th.externalThreadId !== undefined && th.externalThreadId === first.thread.externalThreadId) ||
      (th.inReplyTo ?? []).includes(first.externalMessageId) ||
      (th.contactThread === true && reply.sender.externalId === first.sender.externalId);
    expect(linked, `thread hints ${JSON.stringify(th)} do not point at ${first.externalMessageId}`).toBe(true);
  });
}
