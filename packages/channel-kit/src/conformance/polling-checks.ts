import { expect, it } from 'vitest';
import type { ModeKit } from './kit.ts';
import { createMemoryStore } from './memory-context.ts';

/** How one mode's account keeps polling (pull channels): across a dropped connection and a restart. */
export function pollingChecks<Config>(mode: ModeKit<Config>): void {
  const { open, connect, receive } = mode;

  it('survives a dropped connection without losing or repeating a message', async (t) => {
    const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.pull && 'does not poll');
    await receive(peer, conn, ctx, { from: 'a@example.com', text: 'before the drop' });
    expect(peer.dropConnections, 'a pull peer can drop connections').toBeDefined();
    await peer.dropConnections?.();
    await receive(peer, conn, ctx, { from: 'a@example.com', text: 'after the drop' });
    const ids = ctx.emitted.map((e) => e.externalMessageId);
    expect(new Set(ids).size).toBe(2);
  });

  it('resumes from its cursor after a restart', async (t) => {
    const store = createMemoryStore();
    const { peer, conn, ctx, config, abort } = await open(t, (caps) => !caps.inbound.pull && 'does not poll', store);
    await receive(peer, conn, ctx, { from: 'b@example.com', text: 'first life' });
    abort.abort();
    await conn.stop();
    const second = await connect(config, store);
    await receive(peer, second.conn, second.ctx, { from: 'b@example.com', text: 'second life' });
    const texts = second.ctx.emitted.map((e) => (e.type === 'message.received' ? e.text : ''));
    expect(texts).not.toContain('first life');
  });
}
