import { expect, it } from 'vitest';
import { textLimitFor } from '../capabilities.ts';
import { SendError } from '../errors.ts';
import type { ModeKit } from './kit.ts';
import { waitFor } from './wait.ts';

/** How one mode's account sends a reply: it reaches the customer, and a long text is refused or split and resumed. */
export function sendingChecks<Config>(mode: ModeKit<Config>): void {
  const { adapter, timeoutMs, open } = mode;

  it('sends a reply and reports its external id', async (t) => {
    const { peer, conn, ctx, caps } = await open(t);
    const result = await conn.send({
      messageId: crypto.randomUUID(),
      conversationId: crypto.randomUUID(),
      text: 'Hola, ya lo estamos mirando',
      visibility: caps.visibilities[0] ?? 'private',
      recipient: peer.recipient('ana@example.com'),
      inReplyTo: [],
      target: (await peer.replyTarget?.(caps.visibilities[0] ?? 'private')) ?? null,
      allowSplit: false,
    });
    expect(result.externalIds.length).toBe(1);
    const texts = async () => (caps.customerPortal ? ctx.portal.map((m) => m.text) : ((await peer.received?.()) ?? []));
    const seen = await texts();
    await waitFor(async () => (await texts()).includes('Hola, ya lo estamos mirando'), {
      timeoutMs,
      what: `the customer to receive the reply (saw ${JSON.stringify(seen)})`,
    });
  });

  it('refuses, or splits when allowed, a text over the limit of each visibility', async (t) => {
    const { peer, conn, caps } = await open(t, (c) => c.visibilities.every((v) => textLimitFor(c, v) === null) && 'has no text limit');
    for (const visibility of caps.visibilities.filter((v) => textLimitFor(caps, v) !== null)) {
      const limit = textLimitFor(caps, visibility) ?? 0;
      const long = 'palabra '.repeat(Math.ceil(limit / 8) + 2).trim();
      expect(adapter.measureText(long)).toBeGreaterThan(limit);
      const base = {
        conversationId: crypto.randomUUID(),
        text: long,
        visibility,
        recipient: peer.recipient('ana@example.com'),
        inReplyTo: [] as string[],
        target: (await peer.replyTarget?.(visibility)) ?? null,
      };
      const refused = await conn.send({ ...base, messageId: crypto.randomUUID(), allowSplit: false }).catch((e: unknown) => e);
      expect(refused, `a ${visibility} text of ${adapter.measureText(long)} over a limit of ${limit}`).toBeInstanceOf(SendError);
      expect((refused as SendError).retryable).toBe(false);
      const split = await conn.send({ ...base, messageId: crypto.randomUUID(), allowSplit: true }).catch((e: unknown) => e);
      if (caps.splitLongText) {
        expect((split as { externalIds: string[] }).externalIds.length, `${visibility} parts`).toBeGreaterThan(1);
      } else {
        expect(split).toBeInstanceOf(SendError);
      }
      // A text this visibility allows goes out whole, even when another visibility's limit is lower.
      const fits = 'x'.repeat(Math.min(limit, 2_000));
      const whole = await conn.send({ ...base, text: fits, messageId: crypto.randomUUID(), allowSplit: false });
      expect(whole.externalIds, `a ${visibility} text of exactly ${adapter.measureText(fits)} goes out in one part`).toHaveLength(1);
    }
  });

  it('reports each part of a split reply, and a retry sends only the parts not yet sent', async (t) => {
    const { peer, conn, caps } = await open(
      t,
      (c) => (!c.splitLongText || c.visibilities.every((v) => textLimitFor(c, v) === null)) && 'does not split long texts',
    );
    const visibility = caps.visibilities.find((v) => textLimitFor(caps, v) !== null) ?? 'private';
    const limit = textLimitFor(caps, visibility) ?? 0;
    const long = 'palabra '.repeat(Math.ceil((limit * 3) / 8) + 2).trim();
    const base = {
      conversationId: crypto.randomUUID(),
      text: long,
      visibility,
      recipient: peer.recipient('ana@example.com'),
      inReplyTo: [] as string[],
      target: (await peer.replyTarget?.(visibility)) ?? null,
      allowSplit: true,
    };
    const reported: [number, string][] = [];
    const first = await conn.send({ ...base, messageId: crypto.randomUUID(), onPartSent: async (i, id) => void reported.push([i, id]) });
    expect(first.externalIds.length, 'a text three times the limit goes out in three parts or more').toBeGreaterThanOrEqual(3);
    expect(reported, 'onPartSent is called once per part, in order, with its external id').toEqual(
      first.externalIds.map((id, i) => [i, id]),
    );

    // The attempt before this one delivered the first part, then failed.
    const received = async () => ((await peer.received?.()) ?? []).length;
    const before = await received();
    const resumedReports: number[] = [];
    const resumed = await conn.send({
      ...base,
      messageId: crypto.randomUUID(),
      sentParts: ['sent-by-an-earlier-attempt'],
      onPartSent: async (i) => void resumedReports.push(i),
    });
    expect(resumed.externalIds[0], 'the parts already sent keep their ids').toBe('sent-by-an-earlier-attempt');
    expect(resumed.externalIds).toHaveLength(first.externalIds.length);
    expect(resumedReports, 'only the parts not yet sent are sent and reported').toEqual(first.externalIds.slice(1).map((_, i) => i + 1));
    if (peer.received) {
      await waitFor(async () => (await received()) >= before + first.externalIds.length - 1, { timeoutMs, what: 'the remaining parts' });
      expect(await received(), 'the first part is not sent again').toBe(before + first.externalIds.length - 1);
    }
  });
}
