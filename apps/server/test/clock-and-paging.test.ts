import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// The server's clock is injected: expiry is tested by moving time, not by waiting.
let now = new Date('2026-11-24T09:00:00Z');
const t = useServer({ clock: () => now, worker: false });
let f: Fixture;

beforeAll(async () => {
  f = await createFixture(t);
});

describe('time-bound credentials (injected clock)', () => {
  it('ends a session after 12 hours', async () => {
    const cookie = await login(t.url, f.users.agent.email);
    now = new Date(now.getTime() + 11 * 60 * 60_000);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(200);
    now = new Date(now.getTime() + 2 * 60 * 60_000);
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('lets a customer link show the conversation for 30 days, then only take messages for 90 more, then nothing', async () => {
    const posted = await postForm(t.url, f.formAccountId, { name: 'Ana', email: 'ana@example.com', message: 'link expiry' });
    const token = (posted.json.conversationLink as string).split('/c/')[1];
    now = new Date(now.getTime() + 29 * 24 * 60 * 60_000);
    const live = await call(t.url, 'GET', `/c/${token}/messages`);
    expect([live.status, (live.json.items as { text: string }[]).some((m) => m.text.includes('link expiry'))]).toEqual([200, true]);
    now = new Date(now.getTime() + 2 * 24 * 60 * 60_000);
    const expired = await call(t.url, 'GET', `/c/${token}/messages`);
    expect([expired.status, expired.json]).toEqual([200, { expired: true, items: [] }]);
    now = new Date(now.getTime() + 91 * 24 * 60 * 60_000);
    const gone = await call(t.url, 'GET', `/c/${token}/messages`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toMatch(/unknown or has expired/);
  });
});

describe('cursor pagination', () => {
  it('walks every conversation exactly once, newest activity first', async () => {
    const ws = await createFixture(t);
    for (let i = 0; i < 7; i++) {
      now = new Date(now.getTime() + 60_000);
      await postForm(t.url, ws.formAccountId, { name: `C${i}`, email: `c${i}@example.com`, message: `page item ${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/v1/conversations?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call(t.url, 'GET', path, { token: ws.adminToken });
      expect(page.status).toBe(200);
      seen.push(...page.json.items.map((c: { id: string }) => c.id));
      cursor = page.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    const first = await call(t.url, 'GET', `/api/v1/conversations/${seen[0]}/messages`, { token: ws.adminToken });
    expect(first.json.items[0].text).toBe('page item 6');
  });

  it('refuses a cursor it did not issue, and a limit out of range, naming the problem', async () => {
    const bad = await call(t.url, 'GET', '/api/v1/conversations?cursor=garbage', { token: f.adminToken });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/cursor/);
    const big = await call(t.url, 'GET', '/api/v1/conversations?limit=5000', { token: f.adminToken });
    expect(big.status).toBe(422);
    expect(big.json.error.details[0].field).toBe('limit');
  });
});
