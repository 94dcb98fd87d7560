import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { XPeer } from '@centralita/channel-twitter/testing';
import type { GraphPeer } from '@centralita/channel-whatsapp/testing';
import type { Db } from '@centralita/db';
import type { OutageContact } from '@centralita/testing';
import { sql } from 'kysely';
import { call, createEmailAccount, type Fixture } from './harness.ts';
import { cloudConfig } from './wa-kit.ts';

// The simulated outage's world (incident-outage.test.ts and bench/incidents.ts): a clock the
// simulation moves, the four channels' accounts on their local peers, and the delivery of each
// generated contact's first message the way its channel brings it in. No vitest here: the bench
// runs it too.

/**
 * Simulated time until `live()`, then the machine's: the spike is replayed, the broadcast is real.
 * Simulated time flows at the real pace between jumps, as the channels expect of any clock (the X
 * poller schedules its next read by it: a frozen clock would stop the reads).
 */
export interface SimClock {
  (): Date;
  /** Jumps forward to `at` (never back: a jump to the past keeps the present). */
  set(at: Date): void;
  live(): void;
  readonly isLive: boolean;
}

export function simClock(start: Date): SimClock {
  let base: number | null = start.getTime();
  let since = performance.now();
  const current = () => (base === null ? Date.now() : base + (performance.now() - since));
  const clock = (() => new Date(current())) as SimClock;
  clock.set = (next) => {
    if (base === null) throw new Error('the simulated clock is live already');
    base = Math.max(next.getTime(), current());
    since = performance.now();
  };
  clock.live = () => {
    if (current() > Date.now()) throw new Error('the simulation ran ahead of the real clock');
    base = null;
  };
  Object.defineProperty(clock, 'isLive', { get: () => base === null });
  return clock;
}

/** What the simulation needs of a mail peer: the account's settings, a way in, and what came out. */
export interface MailSide {
  config: object;
  deliverRaw(raw: string, from?: string): Promise<void>;
  smtp: { received: { to: string[]; raw: Buffer }[] };
}

export interface Accounts {
  webform: string;
  email: string;
  x: string;
  whatsapp: string;
  whatsappWebhook: string;
}

/** The four accounts, created through the API as an admin would. X polls fast: the spike is replayed in seconds. */
export async function createAccounts(
  url: string,
  f: Fixture,
  x: XPeer,
  wa: GraphPeer,
  mail: MailSide,
  xOverrides: Record<string, unknown> = {},
): Promise<Accounts> {
  const email = await createEmailAccount(url, f.adminToken, mail.config);
  const xRes = await call(url, 'POST', '/api/v1/channel-accounts', {
    token: f.adminToken,
    body: {
      kind: 'twitter',
      name: `@${x.brand.username}`,
      config: {
        consumerKey: x.credentials.appKey,
        consumerSecret: x.credentials.appSecret,
        accessToken: x.credentials.accessToken,
        accessTokenSecret: x.credentials.accessSecret,
        bearerToken: x.credentials.bearerToken,
        apiUrl: x.url,
        caCertificate: x.ca,
        mentionsIntervalSeconds: 0.2,
        directMessagesIntervalSeconds: 0.2,
        reconcileSeconds: 5,
        listening: false,
        ...xOverrides,
      },
    },
  });
  if (xRes.status !== 201) throw new Error(`creating the X account answered ${xRes.status}: ${xRes.text}`);
  const waRes = await call(url, 'POST', '/api/v1/channel-accounts', {
    token: f.adminToken,
    body: { kind: 'whatsapp', name: 'WhatsApp Acme', config: cloudConfig(wa) },
  });
  if (waRes.status !== 201) throw new Error(`creating the WhatsApp account answered ${waRes.status}: ${waRes.text}`);
  const whatsapp = waRes.json.channelAccount.id as string;
  return { webform: f.formAccountId, email, x: xRes.json.channelAccount.id, whatsapp, whatsappWebhook: `${url}/webhooks/${whatsapp}` };
}

/** Runs `work` over `items`, `width` at a time. */
export async function inParallel<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** RFC 2047, so a name or subject with accents survives any mail reader. */
const encodedWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`);

/** Where each contact's first message went: what finds its conversation and what it reads replies by. */
export interface Delivered {
  /** The message's external id (post, DM event, wamid, Message-ID); the web form's conversation instead. */
  externalId?: string;
  conversationId?: string;
  /** The web form customer's page token. */
  portalToken?: string;
  /** X: the customer's user id. */
  xUserId?: string;
}

/**
 * Brings each contact's first message in on its channel: a form post over HTTP (each from its own
 * address), a mail into the Dovecot mailbox over LMTP, a post or DM on the X peer (read by the
 * account's polling), a signed WhatsApp webhook delivery. X and WhatsApp carry the contact's own
 * time; the form's time is the node's clock (the simulation moves it bucket by bucket).
 */
export class Deliveries {
  readonly delivered = new Map<string, Delivered>();
  /** X posts and DMs are stamped by the peer's clock: set to the contact's time while it writes. */
  xAt: Date | null = null;
  #sent = 0;
  #xPrimed = false;

  constructor(private readonly w: { url: string; db: Db; accounts: Accounts; x: XPeer; wa: GraphPeer; mail: MailSide; seed: number }) {}

  /** How many first messages were handed to a channel. */
  get sent(): number {
    return this.#sent;
  }

  async deliver(contacts: readonly OutageContact[]): Promise<void> {
    let onX = contacts.filter((k) => k.channel === 'x_post' || k.channel === 'x_dm');
    // An X account's first read takes one page (100) and starts from there, as a new account
    // should not import a backlog: the first few go alone, so the reads have their cursors.
    if (!this.#xPrimed && onX.length > 0) {
      const first = [...onX.filter((k) => k.channel === 'x_post').slice(0, 20), ...onX.filter((k) => k.channel === 'x_dm').slice(0, 20)];
      this.#postOnX(first.sort((a, b) => a.at.getTime() - b.at.getTime()));
      await this.#stored(first);
      this.#xPrimed = true;
      onX = onX.filter((k) => !first.includes(k));
    }
    this.#postOnX(onX);
    await this.#others(contacts);
  }

  /** Posts and DMs on the X peer, in time order and at once (the peer is in this process). */
  #postOnX(contacts: readonly OutageContact[]): void {
    const { x } = this.w;
    for (const c of contacts) {
      this.xAt = c.at;
      const who = c.x as { username: string; location: string };
      const user =
        x.user(who.username) ??
        x.addUser({ username: who.username, name: c.name, location: who.location, acceptsDms: true, followers: 150 });
      const id =
        c.channel === 'x_post'
          ? x.post({ from: who.username, text: c.text, lang: c.language }).id
          : x.sendDm({ from: who.username, text: c.text }).id;
      this.delivered.set(c.id, { externalId: id, xUserId: user.id });
      this.#sent++;
    }
    this.xAt = null;
  }

  /** Waits until these contacts' messages are stored. */
  async #stored(contacts: readonly OutageContact[]): Promise<void> {
    const ids = contacts.flatMap((c) => this.delivered.get(c.id)?.externalId ?? []);
    const until = Date.now() + 60_000;
    for (;;) {
      const rows = await this.w.db.kysely.selectFrom('messages').select('id').where('external_id', 'in', ids).execute();
      if (rows.length >= ids.length) return;
      if (Date.now() > until) throw new Error(`${rows.length} of the first ${ids.length} X messages stored after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The web form, email and WhatsApp, each a few at a time, all at once. */
  async #others(contacts: readonly OutageContact[]): Promise<void> {
    const { wa } = this.w;
    const chats = contacts.filter((k) => k.channel === 'whatsapp');
    // Meta batches a busy number's messages into one delivery; ten at a time here.
    const groups = Array.from({ length: Math.ceil(chats.length / 10) }, (_, i) => chats.slice(i * 10, i * 10 + 10));
    const posts = [
      inParallel(groups, 4, async (group) => {
        const parts = group.map((c) => {
          const who = c.whatsapp as { phone: string; bsuid: string };
          const part = wa.inbound.text({ from: { bsuid: who.bsuid, phone: who.phone, name: c.name }, text: c.text, at: c.at });
          this.delivered.set(c.id, { externalId: (part.message as { id: string }).id });
          return part;
        });
        const res = await wa.deliver(this.w.accounts.whatsappWebhook, wa.delivery(parts, { grouping: 'value' }));
        if (res.status !== 200) throw new Error(`the WhatsApp webhook answered ${res.status}`);
        this.#sent += group.length;
      }),
      inParallel(
        contacts.filter((k) => k.channel === 'email'),
        4,
        (c) => this.#mail(c),
      ),
      inParallel(
        contacts.filter((k) => k.channel === 'webform'),
        16,
        (c) => this.#form(c),
      ),
    ];
    await Promise.all(posts);
  }

  async #mail(c: OutageContact): Promise<void> {
    const { mail, seed } = this.w;
    const id = `<${c.id}.${seed}@example.com>`;
    const to = (mail.config as { address: string }).address;
    const raw = [
      `From: ${encodedWord(c.name)} <${c.email}>`,
      `To: ${to}`,
      `Subject: ${encodedWord(c.subject ?? '')}`,
      `Message-ID: ${id}`,
      `Date: ${c.at.toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      c.text,
      '',
    ].join('\r\n');
    await mail.deliverRaw(raw, c.email ?? undefined);
    this.delivered.set(c.id, { externalId: id });
    this.#sent++;
  }

  async #form(c: OutageContact): Promise<void> {
    const n = Number(c.id.slice(-5)) + (c.label === 'outage' ? 0 : 50_000);
    const body: Record<string, string> = { name: c.name, email: c.email ?? '', message: c.text };
    if (c.subject) body.subject = c.subject;
    if (c.country) body.country = c.country;
    if (c.region) body.region = c.region;
    if (c.formLanguage) body.language = c.formLanguage;
    const res = await call(this.w.url, 'POST', `/webhooks/${this.w.accounts.webform}`, {
      body,
      // Every visitor from an address of their own, as on the internet (the form limits per address).
      headers: { 'idempotency-key': `${c.id}-${this.w.seed}`, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`the form answered ${res.status}: ${res.text}`);
    const link = String(res.json.conversationLink ?? '');
    this.delivered.set(c.id, { conversationId: res.json.conversationId, portalToken: link.split('/c/')[1] ?? '' });
    this.#sent++;
  }

  /** The conversation of every delivered contact, once its message is stored. */
  async conversations(db: Db, workspaceId: string): Promise<Map<string, string>> {
    const byExternal = new Map<string, string>();
    const out = new Map<string, string>();
    for (const [id, d] of this.delivered) {
      if (d.conversationId) out.set(id, d.conversationId);
      else if (d.externalId) byExternal.set(d.externalId, id);
    }
    const ids = [...byExternal.keys()];
    for (let i = 0; i < ids.length; i += 1_000) {
      const rows = await db.kysely
        .selectFrom('messages')
        .select(['external_id', 'conversation_id'])
        .where('workspace_id', '=', workspaceId)
        .where('direction', '=', 'inbound')
        .where('external_id', 'in', ids.slice(i, i + 1_000))
        .execute();
      for (const r of rows) {
        const contact = r.external_id ? byExternal.get(r.external_id) : undefined;
        if (contact) out.set(contact, r.conversation_id);
      }
    }
    return out;
  }
}

/** Inbound messages stored in the workspace so far. */
export async function storedInbound(db: Db, workspaceId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM messages WHERE workspace_id = ${workspaceId} AND direction = 'inbound'`.execute(db.kysely);
  return rows[0]?.n ?? 0;
}

/** Waits until `count` inbound messages are stored, or says how many were after `timeoutMs`. */
export async function untilStored(db: Db, workspaceId: string, count: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = await storedInbound(db, workspaceId);
    if (n >= count) return;
    if (Date.now() > until) throw new Error(`${n} of ${count} inbound messages stored after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker node in its own process (fixtures/outage-node.ts). */
export interface WorkerProcess {
  url: string;
  /** Its row in worker_nodes. */
  nodeId: string;
  child: ChildProcess;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function startWorkerProcess(env: { DATABASE_URL: string; SECRET_KEY: string; NODE_SETTINGS: string }): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/server/test/fixtures/outage-node.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let errors = '';
  child.stderr?.on('data', (c: Buffer) => {
    errors = (errors + String(c)).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker node did not start in 60 s: ${errors}`)), 60_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += String(c);
      const listening = /listening (\S+)/.exec(out);
      const worker = /worker (\S+)/.exec(out);
      if (listening?.[1] && worker?.[1]) {
        clearTimeout(timer);
        resolve({
          url: listening[1],
          nodeId: worker[1],
          child,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker node exited with ${code} before it was ready: ${errors}`));
    });
  });
}
