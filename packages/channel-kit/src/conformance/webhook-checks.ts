import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { ChannelConnection, WebhookRequest } from '../contract.ts';
import { fuzzParameters, fuzzTimeout } from './fuzz.ts';
import { eventProblems, hostileMutations } from './hostile.ts';
import type { ModeKit } from './kit.ts';

/**
 * What one mode's account does with webhooks (push channels): registers its URL, refuses forged,
 * malformed and hostile deliveries without a 5xx, and goes on receiving.
 */
export function webhookChecks<Config>(mode: ModeKit<Config>): void {
  const { options, setup, prepare, open, connect, receive } = mode;

  it('registers its webhook URL with the channel when it starts', async (t) => {
    const s = await prepare(setup, t, (caps) => !caps.inbound.push && 'takes no webhooks');
    if (!s.peer.registeredWebhooks) t.skip('the channel registers no webhook by API (the peer has no registeredWebhooks)');
    const { ctx } = await connect(s.config);
    expect(await s.peer.registeredWebhooks?.()).toContain(ctx.webhookUrl);
  });

  it('rejects a delivery with a forged signature and emits nothing', async (t) => {
    const { peer, conn, ctx } = await open(t, (caps) => !caps.signedWebhooks && 'takes unsigned deliveries');
    const req = await peer.inbound({ from: 'mallory@example.com', text: 'forged' });
    expect(req, 'a signed channel is a push channel').not.toBeNull();
    const forged = peer.forge?.(req as WebhookRequest);
    expect(forged, 'the peer can forge a request').toBeDefined();
    const res = await conn.handleWebhook?.(forged as WebhookRequest);
    expect([401, 403]).toContain(res?.status);
    expect(ctx.emitted).toHaveLength(0);
  });

  it('answers malformed input with a 4xx, emits nothing and goes on', async (t) => {
    const { peer, conn, ctx } = await open(t, (caps) => !caps.inbound.push && 'takes no webhooks');
    const bad = peer.malformed?.();
    expect(bad, 'the peer can make a malformed request').toBeDefined();
    const res = await conn.handleWebhook?.(bad as WebhookRequest);
    expect(res?.status).toBeGreaterThanOrEqual(400);
    expect(res?.status).toBeLessThan(500);
    expect(ctx.emitted).toHaveLength(0);
    await receive(peer, conn, ctx, { from: 'ok@example.com', text: 'still works' });
  });

  it(
    'answers any hostile delivery without a 5xx or a throw, emits only well-formed events, and goes on',
    async (t) => {
      const { peer, conn, ctx, caps } = await open(t, (c) => !c.inbound.push && 'takes no webhooks');
      const genuine = await peer.inbound({ from: 'fuzz@example.com', text: 'a genuine delivery' });
      expect(genuine, 'a push peer returns the request the channel would make').not.toBeNull();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(hostileMutations, fc.boolean(), async (mutations, signAgain) => {
          n += 1;
          // A client address per case, so the adapter's own per-client limit does not hide its parser.
          let req: WebhookRequest = { ...(genuine as WebhookRequest), clientIp: `203.0.113.${n % 250}` };
          let touched = false;
          for (const m of mutations) {
            const covered = !(peer.secretHeaderOnly && m.part === 'body');
            touched ||= covered && (typeof m.touchesSigned === 'function' ? m.touchesSigned(req) : m.touchesSigned);
            req = m.apply(req);
          }
          const resigned = signAgain && peer.sign !== undefined;
          if (resigned) req = peer.sign?.(req) ?? req;
          const before = ctx.emitted.length;
          const what = mutations.map((m) => m.name).join(' + ') + (resigned ? ' (signed again)' : '');
          const res = await (conn.handleWebhook as NonNullable<ChannelConnection['handleWebhook']>)(req);
          expect(Number.isInteger(res.status) && res.status >= 100 && res.status < 500, `${what}: answered ${res.status}`).toBe(true);
          const fresh = ctx.emitted.slice(before);
          for (const event of fresh) expect(eventProblems(event), what).toEqual([]);
          if (caps.signedWebhooks && !resigned && touched) {
            expect(fresh, `${what}: an unsigned change was accepted`).toHaveLength(0);
          }
        }),
        fuzzParameters(options.hostileRuns ?? 300),
      );
      await receive(peer, conn, ctx, { from: 'after@example.com', text: 'after the storm' });
    },
    fuzzTimeout(120_000),
  );
}
