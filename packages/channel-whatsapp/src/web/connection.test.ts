import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SendError } from '@centralita/channel-kit';
import { createMemoryContext, createMemoryStore, waitFor } from '@centralita/channel-kit/conformance';
import type { MessageReceivedEvent } from '@centralita/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeWebClient } from '../testing/fake-web-client.ts';
import { startWebAccount, type WebAccountHarness, type WebAccountOptions } from '../testing/fake-web-client-harness.ts';
import { connectWeb } from './connection.ts';
import { CHECKPOINT_KEY } from './intake.ts';
import { NOT_READY_HOLD } from './send.ts';
import { SESSION_BLOB_PREFIX, sessionName } from './session-store.ts';
import { WEB_MODE_DEFAULTS } from './types.ts';

// What an administrator sees of a web-mode account (its states) and what customers' messages
// become, as WhatsApp Web links, drops, logs out and hangs. WhatsApp Web cannot be reached from
// here, so the library's client is the fake (the documented exception); everything else is real.
const running: WebAccountHarness[] = [];
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
});

async function account(options: WebAccountOptions = {}): Promise<WebAccountHarness> {
  const h = await startWebAccount(options);
  running.push(h);
  return h;
}

function reply(text: string) {
  return {
    messageId: crypto.randomUUID(),
    conversationId: crypto.randomUUID(),
    text,
    visibility: 'private' as const,
    recipient: { kind: 'phone', externalId: '+34600111222' },
    inReplyTo: [],
    allowSplit: false,
  };
}

const received = (h: WebAccountHarness) => h.ctx.emitted.filter((e): e is MessageReceivedEvent => e.type === 'message.received');
const texts = (h: WebAccountHarness) => received(h).map((e) => e.text);

describe('linking a phone', () => {
  it('shows the QR code as a PNG the console can display, then reports ready with the linked number', async () => {
    const h = await account({ config: { ownNumber: '+34 611 222 333' } });
    expect(h.ctx.states[0]?.state).toBe('connecting');
    await waitFor(() => h.fake.live, { what: 'WhatsApp Web to open' });
    h.fake.showQr('2@ABCDEF,KEY1,KEY2,SECRET,0');

    const linking = await h.waitForState('linking');
    expect(linking.detail).toMatch(/Scan the code with the phone of \+34611222333/);
    const image = String(linking.data?.image);
    expect(image.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(image.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16), 'the PNG is big enough to scan').toBeGreaterThanOrEqual(200);
    const expires = Date.parse(String(linking.data?.expiresAt));
    expect(expires).toBeGreaterThan(Date.now());
    expect(JSON.stringify(h.ctx.logs)).not.toContain('SECRET');

    await expect(h.connection.send(reply('hola')), 'nothing is sent while the code waits').rejects.toMatchObject({ hold: NOT_READY_HOLD });

    h.fake.authenticate();
    await h.waitForState('connecting', { detail: /Linked; loading chats/ });
    expect(await h.connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/Linked; loading chats/) });
    h.fake.becomeReady({ wid: '34611222333@c.us' });
    const ready = await h.waitForState('ready');
    expect(ready.detail).toBe('Ready: linked to +34611222333.');
    expect(await h.connection.checkHealth?.()).toEqual({ ok: true, detail: 'Ready: linked to +34611222333.' });
  });

  it('says so when the phone that linked is not the number the account is set up for', async () => {
    const h = await account({ fake: { autoReady: true, wid: '34699000111@c.us' }, config: { ownNumber: '+34611222333' } });
    const ready = await h.waitForState('ready');
    expect(ready.detail).toMatch(/linked to \+34699000111\. The account is set up for \+34611222333, a different number\./);
  });

  it('gives the client a session store over the host account store, and a scratch directory under the OS temp dir', async () => {
    const h = await account({ fake: { autoReady: true } });
    await h.waitForState('ready');
    const options = h.builds[0];
    if (!options) throw new Error('no client was built');
    expect(options.clientId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(options.dataPath.startsWith(os.tmpdir())).toBe(true);
    expect(options).toMatchObject({ backupSyncIntervalMs: 60_000, chromiumPath: '/usr/bin/chromium', headless: true });
    // What RemoteAuth does after its first backup: the archive lands in the account store.
    const session = sessionName(options.clientId);
    expect(await options.store.sessionExists({ session })).toBe(false);
    await writeFile(path.join(options.dataPath, `${session}.zip`), 'PK\u0003\u0004');
    await options.store.save({ session });
    expect(await h.ctx.store.getBlob(`${SESSION_BLOB_PREFIX}${session}`)).not.toBeNull();
  });
});

describe('a dropped session', () => {
  it('reports degraded, reconnects, and emits the messages that arrived meanwhile exactly once', async () => {
    const store = createMemoryStore();
    const h = await account({ fake: { autoReady: true }, store });
    await h.waitForState('ready');
    h.fake.receive({ from: '34600111222@c.us', body: 'antes del corte' });
    await waitFor(() => texts(h).includes('antes del corte'));

    const before = h.ctx.states.length;
    h.fake.disconnect('NAVIGATION');
    const degraded = await h.waitForState('degraded', { from: before });
    expect(degraded.detail).toMatch(/^WhatsApp Web disconnected \(NAVIGATION\)\. Trying again in 1 s\.$/);
    // Meanwhile the phone keeps receiving; the fake keeps them in the chats' history.
    h.fake.receive({ from: '34600111222@c.us', body: 'durante el corte 1' });
    h.fake.receive({ from: '123456789@lid', body: 'durante el corte 2' });
    await h.waitForState('ready', { from: before });
    await waitFor(() => texts(h).includes('durante el corte 2'), { what: 'the missed messages to be read back' });
    h.fake.receive({ from: '34600111222@c.us', body: 'después' });
    await waitFor(() => texts(h).includes('después'));

    // Another drop: the history read back again holds nothing new.
    const again = h.ctx.states.length;
    h.fake.disconnect('CONFLICT');
    await h.waitForState('ready', { from: again });
    await new Promise((r) => setTimeout(r, 100));
    expect(texts(h)).toEqual(['antes del corte', 'durante el corte 1', 'durante el corte 2', 'después']);
    expect(new Set(h.ctx.emitted.map((e) => e.externalMessageId)).size).toBe(h.ctx.emitted.length);
    expect(await store.getCursor(CHECKPOINT_KEY)).toMatch(/^\{"t":\d+,"ids":\[/);
  });

  it('reads back after a restart only what came while it was stopped', async () => {
    const store = createMemoryStore();
    const fake = createFakeWebClient({ autoReady: true });
    const first = await account({ fake, store });
    await first.waitForState('ready');
    fake.receive({ from: '34600111222@c.us', body: 'primera vida' });
    await waitFor(() => texts(first).includes('primera vida'));
    await first.stop();
    running.splice(running.indexOf(first), 1);
    expect(fake.live, 'stop closes the client').toBe(false);

    fake.receive({ from: '34600111222@c.us', body: 'mientras estaba parado' });
    const second = await account({ fake, store });
    await waitFor(() => texts(second).includes('mientras estaba parado'));
    await new Promise((r) => setTimeout(r, 100));
    expect(texts(second)).toEqual(['mientras estaba parado']);
  });

  it('treats a phone that went offline as degraded, and ready again when it is back', async () => {
    const h = await account({ fake: { autoReady: true } });
    await h.waitForState('ready');
    const before = h.ctx.states.length;
    h.fake.phoneOffline();
    const offline = await h.waitForState('degraded', { from: before });
    expect(offline.detail).toMatch(/^The phone seems offline/);
    expect(await h.connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/phone seems offline/) });
    h.fake.phoneOnline();
    await h.waitForState('ready', { from: before });
    expect(await h.connection.checkHealth?.()).toMatchObject({ ok: true });
  });
});

describe('a phone that unlinks the device', () => {
  it('reports logged_out, forgets the stored session and shows a new QR code', async () => {
    const store = createMemoryStore();
    const h = await account({ fake: { autoReady: true }, store });
    await h.waitForState('ready');
    const key = `${SESSION_BLOB_PREFIX}${sessionName(h.builds[0]?.clientId ?? '')}`;
    await store.putBlob(key, new Uint8Array([0x50, 0x4b, 3, 4]));

    h.fake.logout();
    const out = await h.waitForState('logged_out');
    expect(out.detail).toBe('The phone logged this device out (WhatsApp > Linked devices). A new QR code follows.');
    await waitFor(async () => (await store.getBlob(key)) === null, { what: 'the stored session to be deleted' });
    await expect(h.connection.send(reply('hola'))).rejects.toMatchObject({ retryable: true, hold: NOT_READY_HOLD, retryAfterMs: 3_000 });

    h.fake.showQr();
    const linking = await h.waitForState('linking');
    expect(linking.detail).toMatch(/^The phone logged this device out .* Scan the code with the phone: WhatsApp > Linked devices/);
  });

  it('starts over with a QR code when WhatsApp reports the device unpaired', async () => {
    const store = createMemoryStore();
    const h = await account({ fake: { autoReady: true }, store });
    await h.waitForState('ready');
    const key = `${SESSION_BLOB_PREFIX}${sessionName(h.builds[0]?.clientId ?? '')}`;
    await store.putBlob(key, new Uint8Array([1]));
    h.fake.disconnect('UNPAIRED');
    const out = await h.waitForState('logged_out');
    expect(out.detail).toMatch(/WhatsApp unlinked this device \(UNPAIRED\).*A new QR code follows\.$/);
    expect(await store.getBlob(key)).toBeNull();
    await waitFor(() => h.fake.initializeCalls === 2, { what: 'a new WhatsApp Web session' });
  });
});

describe('a ready that never comes', () => {
  it('restarts Chromium with a backoff that doubles, until WhatsApp Web is ready', async () => {
    const fake = createFakeWebClient({ autoReady: true });
    fake.neverReady(3);
    const h = await account({ fake, config: { readyTimeoutMs: 150 }, connection: { backoff: { initialMs: 100, maxMs: 10_000 } } });
    await h.waitForState('connecting', { detail: /Linked; loading chats/ });
    expect(await h.connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/ready expected within/) });

    const hung = await h.waitForState('degraded');
    expect(hung.detail).toMatch(
      /^WhatsApp Web linked but did not become ready within 1 s \(this happens after WhatsApp Web updates\)\. Trying again in 1 s\.$/,
    );
    expect(await h.connection.checkHealth?.()).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/did not become ready.*Next attempt in/),
    });
    await h.waitForState('ready', { timeoutMs: 8_000 });
    expect(fake.initializeCalls).toBe(4);
    expect(fake.destroyCalls).toBeGreaterThanOrEqual(3);

    // The waits between a failure and the next start: 100, 200, 400 ms.
    const gaps: number[] = [];
    h.timeline.forEach((entry, i) => {
      if (entry.report.state !== 'degraded') return;
      const next = h.timeline.slice(i + 1).find((e) => e.report.state === 'connecting');
      if (next) gaps.push(next.at - entry.at);
    });
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(h.ctx.states.at(-1)?.detail).toBe('Ready: linked to +34600000000.');
  });

  it('caps the backoff at ten minutes by default', async () => {
    const fake = createFakeWebClient();
    fake.failInitialize(new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/'), 1);
    const h = await account({ fake, connection: { backoff: { initialMs: 60 * 60_000 } } });
    const degraded = await h.waitForState('degraded');
    expect(degraded.detail).toMatch(/Trying again in 10 min\.$/);
  });
});

describe('a WhatsApp Web that cannot start', () => {
  it('turns an offline node into a degraded state with a sentence, and tries again', async () => {
    const fake = createFakeWebClient({ autoReady: true });
    fake.failInitialize(new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/'), 2);
    const h = await account({ fake });
    const degraded = await h.waitForState('degraded');
    expect(degraded.detail).toBe(
      'Chromium started but could not open web.whatsapp.com (net::ERR_NAME_NOT_RESOLVED): this node seems to be offline, or its network blocks WhatsApp. Trying again in 1 s.',
    );
    await h.waitForState('ready');
    expect(fake.initializeCalls).toBe(3);
  });

  it('says which Chromium is missing', async () => {
    const fake = createFakeWebClient();
    fake.failInitialize(new Error('Browser was not found at the configured executablePath (/opt/nowhere/chromium)'), 5);
    const h = await account({ fake, config: { chromiumPath: '/opt/nowhere/chromium' } });
    const degraded = await h.waitForState('degraded');
    expect(degraded.detail).toMatch(/^Chromium could not start from \/opt\/nowhere\/chromium \(Browser was not found/);
    expect(await h.connection.checkHealth?.()).toMatchObject({ ok: false, detail: expect.stringMatching(/Chromium could not start/) });
  });

  it('survives a client that cannot be built (a bad setting) and a bare string thrown by the library', async () => {
    const ctx = createMemoryContext();
    const fake = createFakeWebClient({ autoReady: true });
    fake.failInitialize('auth timeout');
    let builds = 0;
    const dataRoot = path.join(os.tmpdir(), `wa-web-test-${crypto.randomUUID()}`);
    const connection = connectWeb({ id: ctx.account.id, name: 'Tienda', config: { ...WEB_MODE_DEFAULTS } }, ctx, {
      backoff: { initialMs: 20, maxMs: 40 },
      dataRoot,
      createClient: () => {
        builds += 1;
        if (builds === 1) throw new Error('Invalid backupSyncIntervalMs. Accepts values starting from 60000ms {1 minute}.');
        return fake;
      },
    });
    try {
      await connection.start(new AbortController().signal);
      await waitFor(() => ctx.states.find((s) => /settings are invalid: Invalid backupSyncIntervalMs/.test(s.detail)));
      await waitFor(() => ctx.states.find((s) => /did not load within 30 s \(auth timeout\)/.test(s.detail)));
      await waitFor(() => ctx.states.find((s) => s.state === 'ready'));
      expect(fake.initializeCalls).toBe(2);
    } finally {
      await connection.stop();
      await rm(dataRoot, { recursive: true, force: true });
    }
  });
});

describe('sending', () => {
  it('holds a reply while this node has no ready session, and sends it once ready', async () => {
    const h = await account();
    const held = await h.connection.send(reply('espera')).catch((e: unknown) => e);
    expect(held).toBeInstanceOf(SendError);
    expect(held).toMatchObject({ retryable: true, retryAfterMs: 3_000, hold: NOT_READY_HOLD });
    await waitFor(() => h.fake.live);
    h.fake.authenticate();
    h.fake.becomeReady();
    await h.waitForState('ready');
    const sent = await h.connection.send(reply('ya está'));
    expect(h.fake.sent.map((s) => [s.chatId, s.content])).toEqual([['34600111222@c.us', 'ya está']]);
    expect(sent).toEqual({ externalIds: [h.fake.sent[0]?.id], state: 'sent' });
  });
});
