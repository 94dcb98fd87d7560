import type { XPeer } from '@centralita/channel-twitter/testing';
import type { GraphPeer } from '@centralita/channel-whatsapp/testing';
import type { Db } from '@centralita/db';
import type { OutageChannel, OutageContact } from '@centralita/testing';
import { simpleParser } from 'mailparser';
import { call } from './harness.ts';
import { type Delivered, inParallel, type MailSide } from './outage-sim.ts';

// Scoring the simulated outage: which conversations the incident took, and what each customer
// actually received, counted where the customer is (the form's page, the SMTP listener, the X
// peer, the WhatsApp peer), not in our own database.

export interface LinkScore {
  outage: { total: number; linked: number };
  unrelated: { total: number; linked: number };
  recall: number;
  falseShare: number;
  missed: OutageContact[];
  wrong: OutageContact[];
}

/** The incident's live links (not unlinked). */
export async function linkedConversations(db: Db, incidentId: string): Promise<Set<string>> {
  const rows = await db.kysely
    .selectFrom('incident_links')
    .select('conversation_id')
    .where('incident_id', '=', incidentId)
    .where('unlinked_at', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.conversation_id));
}

export function scoreLinks(
  contacts: readonly OutageContact[],
  conversationOf: ReadonlyMap<string, string>,
  linked: ReadonlySet<string>,
): LinkScore {
  const isLinked = (c: OutageContact) => {
    const conv = conversationOf.get(c.id);
    return conv !== undefined && linked.has(conv);
  };
  const outage = contacts.filter((c) => c.label === 'outage');
  const unrelated = contacts.filter((c) => c.label === 'unrelated');
  const missed = outage.filter((c) => !isLinked(c));
  const wrong = unrelated.filter(isLinked);
  return {
    outage: { total: outage.length, linked: outage.length - missed.length },
    unrelated: { total: unrelated.length, linked: wrong.length },
    recall: (outage.length - missed.length) / Math.max(1, outage.length),
    falseShare: wrong.length / Math.max(1, unrelated.length),
    missed,
    wrong,
  };
}

/** "12 misspelled/email, 3 town/x_post": where the misses (or the wrong links) are. */
export function breakdown(contacts: readonly OutageContact[]): string {
  const by = new Map<string, number>();
  for (const c of contacts) by.set(`${c.kind}/${c.channel}`, (by.get(`${c.kind}/${c.channel}`) ?? 0) + 1);
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

export interface ChannelCount {
  /** Linked conversations on this channel. */
  recipients: number;
  /** Of them, how many got the update at least once. */
  reached: number;
  /** Copies beyond the first, summed over the channel's customers. */
  duplicates: number;
  /** Contacts that got nothing (their ids, the first few). */
  missing: string[];
}

export type PeerCounts = Record<OutageChannel, ChannelCount>;

export interface CountSides {
  url: string;
  x: XPeer;
  wa: GraphPeer;
  mail: MailSide;
}

/** Mails the listener received, parsed once each (the listener only grows). */
const parsedMail = new WeakMap<object, { to: string[]; text: string }>();

async function mails(mail: MailSide): Promise<{ to: string[]; text: string }[]> {
  const out: { to: string[]; text: string }[] = [];
  for (const m of mail.smtp.received) {
    let p = parsedMail.get(m);
    if (!p) {
      const parsed = await simpleParser(m.raw);
      p = { to: m.to.map((a) => a.toLowerCase()), text: parsed.text ?? '' };
      parsedMail.set(m, p);
    }
    out.push(p);
  }
  return out;
}

/**
 * How many messages containing `marker` each linked contact received on its own channel, as the
 * customer would see them: the web form's page (`GET /c/:token/messages`), mails at the SMTP
 * listener addressed to them, replies to their post and DMs to them at the X peer, messages to
 * their WhatsApp id at the Graph peer.
 */
export async function countAtPeers(
  sides: CountSides,
  contacts: readonly OutageContact[],
  delivered: ReadonlyMap<string, Delivered>,
  marker: string,
): Promise<PeerCounts> {
  const copies = new Map<string, number>();
  const add = (key: string | undefined) => {
    if (key !== undefined) copies.set(key, (copies.get(key) ?? 0) + 1);
  };
  for (const p of sides.x.createdPosts()) if (p.post.text.includes(marker)) add(p.replyTo && `post:${p.replyTo}`);
  for (const d of sides.x.sentDms()) if (d.event.text.includes(marker)) add(`dm:${d.recipientId}`);
  for (const s of sides.wa.sent) {
    const body = (s.body.text as { body?: string } | undefined)?.body ?? JSON.stringify(s.body);
    if (body.includes(marker)) add(`wa:${s.to.bsuid}`);
  }
  for (const m of await mails(sides.mail)) if (m.text.includes(marker)) for (const to of m.to) add(`mail:${to}`);
  const forms = contacts.filter((c) => c.channel === 'webform');
  await inParallel(forms, 8, async (c) => {
    const token = delivered.get(c.id)?.portalToken;
    if (!token) return;
    const res = await call(sides.url, 'GET', `/c/${token}/messages`);
    const items = (res.json?.items ?? []) as { from: string; text: string }[];
    for (const item of items) if (item.from === 'agent' && item.text.includes(marker)) add(`form:${c.id}`);
  });

  const counts = Object.fromEntries(
    (['webform', 'email', 'x_post', 'x_dm', 'whatsapp'] as const).map((ch) => [
      ch,
      { recipients: 0, reached: 0, duplicates: 0, missing: [] as string[] },
    ]),
  ) as PeerCounts;
  for (const c of contacts) {
    const d = delivered.get(c.id);
    const key =
      c.channel === 'webform'
        ? `form:${c.id}`
        : c.channel === 'email'
          ? `mail:${c.email?.toLowerCase()}`
          : c.channel === 'x_post'
            ? `post:${d?.externalId}`
            : c.channel === 'x_dm'
              ? `dm:${d?.xUserId}`
              : `wa:${c.whatsapp?.bsuid}`;
    const n = copies.get(key) ?? 0;
    const row = counts[c.channel];
    row.recipients++;
    if (n > 0) row.reached++;
    else if (row.missing.length < 10) row.missing.push(c.id);
    row.duplicates += Math.max(0, n - 1);
  }
  return counts;
}

/** One line per channel: "x_post 498/498 reached, 1 duplicate". */
export function countLines(counts: PeerCounts): string[] {
  return Object.entries(counts).map(
    ([ch, c]) =>
      `${ch.padEnd(8)} ${c.reached}/${c.recipients} reached, ${c.duplicates} duplicate${c.duplicates === 1 ? '' : 's'}${c.missing.length ? ` (missing: ${c.missing.join(', ')})` : ''}`,
  );
}

export function totalDuplicates(counts: PeerCounts): number {
  return Object.values(counts).reduce((s, c) => s + c.duplicates, 0);
}
