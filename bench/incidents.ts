import { randomBytes } from 'node:crypto';
import { startXPeer, X_ROUTES } from '@centralita/channel-twitter/testing';
import { startGraphPeer } from '@centralita/channel-whatsapp/testing';
import { createOutage, deliver, MAIL_PASSWORD, SmtpListener, startDovecot, type TestDatabase } from '@centralita/testing';
import { sql } from 'kysely';
import { installedAdapters } from '../apps/server/src/adapters.ts';
import { createCentralita } from '../apps/server/src/app.ts';
import { createLogger } from '../apps/server/src/logger.ts';
import { call, createFixture, login } from '../apps/server/test/harness.ts';
import { countAtPeers, linkedConversations, scoreLinks, totalDuplicates } from '../apps/server/test/outage-count.ts';
import { createAccounts, Deliveries, type MailSide, simClock, untilStored } from '../apps/server/test/outage-sim.ts';
import { withDatabaseOf } from './databases.ts';
import { percentile } from './stats.ts';

// The simulated outage of incident-outage.test.ts at bench size (docs/incidents.md): half the
// contacts about the fibre in Madrid, half unrelated, replayed bucket by bucket on an injected
// clock through one node in this process (web form over HTTP, email through Dovecot, the X and
// WhatsApp peers in this process); then one update to every linked conversation with the
// channels' pacing lifted, so what is measured is the outbox's own rate per channel.

export interface IncidentLane {
  channel: string;
  visibility: string;
  count: number;
  /** From the broadcast's start to this lane's last message sent. */
  seconds: number;
  perSecond: number;
}

export interface IncidentFigures {
  contacts: number;
  replaySeconds: number;
  /** Of the replay, the time spent handing messages to the channels (the rest waits for storage). */
  handOverSeconds: number;
  ingestPerSecond: number;
  /** Minutes into the outage at the end of the bucket after which the proposal existed. */
  proposedAfterMinutes: number | null;
  /** One bucket's flush and detection (flush() + runOnce()), p50 and max. */
  detectP50Ms: number;
  detectMaxMs: number;
  recall: number;
  precision: number;
  falseShare: number;
  /** Accepting the proposal, with the scan that links the conversations written before. */
  acceptSeconds: number;
  broadcast: {
    recipients: number;
    seconds: number;
    lanes: IncidentLane[];
    /** Every linked customer got the update on their channel (counted at the peers). */
    reachedAll: boolean;
    duplicates: number;
    failed: number;
    skipped: number;
  };
}

const BUCKET = 5 * 60_000;
const UNCAPPED = Object.fromEntries(['twitter:public', 'twitter:private', 'whatsapp', 'email', 'webform'].map((k) => [k, null]));

export async function benchIncidents(
  make: () => Promise<TestDatabase>,
  opts: { contacts: number; timeoutMs: number },
): Promise<IncidentFigures> {
  return withDatabaseOf(make, async (database) => {
    const half = Math.floor(opts.contacts / 2);
    const start = new Date(Math.floor((Date.now() - 40 * 60_000) / BUCKET) * BUCKET);
    const outage = createOutage({ seed: 20, outage: half, unrelated: half, start, minutes: 30, baselineMinutes: 60 });
    const clock = simClock(new Date(outage.baselineStart.getTime() - 60_000));
    const dovecot = await startDovecot();
    const smtp = await new SmtpListener().listen();
    const user = `incidents${Date.now()}`;
    const address = `${user}@centralita.test`;
    const mailbox = { host: dovecot.host, imapPort: dovecot.imapPort, lmtpPort: dovecot.lmtpPort, user, password: MAIL_PASSWORD, address };
    const mail: MailSide = {
      config: {
        address,
        imapHost: dovecot.host,
        imapPort: dovecot.imapPort,
        imapTls: 'starttls',
        imapUser: user,
        imapPassword: MAIL_PASSWORD,
        mailbox: 'INBOX',
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpTls: 'none',
        verifyCertificates: false,
        tokenSecret: 'bench-token-secret-0123456789',
      },
      deliverRaw: (raw, from) => deliver(mailbox, raw, from),
      smtp,
    };
    let deliveries: Deliveries | undefined;
    const roomy = Object.fromEntries(X_ROUTES.map((r) => [r, { per15min: 10_000_000, per24h: 10_000_000 }]));
    const x = await startXPeer({ caps: roomy, now: () => deliveries?.xAt ?? clock() });
    const wa = await startGraphPeer({ now: clock });
    const node = createCentralita({
      db: database.db,
      logger: createLogger('silent'),
      secretKey: randomBytes(32),
      adapters: installedAdapters(),
      clock,
      trustProxy: 1,
      pullLockRetryMs: 200,
      settings: { broadcastRates: UNCAPPED },
    });
    try {
      const url = await node.listen(0, '127.0.0.1');
      const f = await createFixture({ db: { current: database } } as never);
      // The adapter's own daily DM cap (1,440) would hold the DMs of a 20,000-contact run back.
      const accounts = await createAccounts(url, f, x, wa, mail, { dmPerAppPerDay: 1_000_000 });
      const d = new Deliveries({ url, db: database.db, accounts, x, wa, mail, seed: 20 });
      deliveries = d;
      const cookie = await login(url, f.users.supervisor.email);
      const api = (method: string, path: string, body?: unknown) =>
        call(url, method, `/api/v1${path}`, { cookie, ...(body ? { body } : {}) });
      const settings = await call(url, 'PUT', '/api/v1/incident-settings', {
        token: f.adminToken,
        body: { services: outage.services, detector: {}, matching: {} },
      });
      if (settings.status !== 200) throw new Error(`incident settings answered ${settings.status}: ${settings.text}`);

      const ws = f.workspaceId;
      const detectMs: number[] = [];
      let proposedAfterMinutes: number | null = null;
      const replayStart = performance.now();
      let handOverMs = 0;
      for (let b = outage.baselineStart.getTime(); b < outage.end.getTime(); b += BUCKET) {
        clock.set(new Date(b + 5_000));
        const h0 = performance.now();
        await d.deliver(outage.contacts.filter((c) => c.at.getTime() >= b && c.at.getTime() < b + BUCKET));
        handOverMs += performance.now() - h0;
        clock.set(new Date(b + BUCKET - 30_000));
        await untilStored(database.db, ws, d.sent, opts.timeoutMs);
        const t0 = performance.now();
        await node.ctx.incidentDetector.flush();
        await node.ctx.incidentDetector.runOnce(ws);
        detectMs.push(performance.now() - t0);
        if (proposedAfterMinutes === null && b >= outage.start.getTime()) {
          const proposed = (await api('GET', '/incidents?status=proposed')).json.items as unknown[];
          if (proposed.length > 0) proposedAfterMinutes = (b + BUCKET - outage.start.getTime()) / 60_000;
        }
      }
      const replaySeconds = (performance.now() - replayStart) / 1000;

      const proposals = (await api('GET', '/incidents?status=proposed')).json.items as { id: string; regions: string[] }[];
      const proposal = proposals.find((p) => p.regions.includes('ES-MD')) ?? proposals[0];
      if (!proposal) throw new Error('the detector proposed nothing');
      const acceptStart = performance.now();
      const accepted = await api('POST', `/incidents/${proposal.id}/accept`, {
        statusText: 'Hay una avería de fibra en la Comunidad de Madrid; los técnicos ya trabajan en ella.',
        services: ['fibra'],
        regions: ['ES-MD'],
      });
      if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}: ${accepted.text}`);
      const acceptSeconds = (performance.now() - acceptStart) / 1000;
      const conversationOf = await d.conversations(database.db, ws);
      const linked = await linkedConversations(database.db, proposal.id);
      const score = scoreLinks(outage.contacts, conversationOf, linked);

      clock.live();
      const broadcastStart = performance.now();
      const started = await api('POST', `/incidents/${proposal.id}/broadcasts`, { text: 'Actualización {ref}: {status}' });
      if (started.status !== 202) throw new Error(`the broadcast answered ${started.status}: ${started.text}`);
      const id = started.json.broadcast.id as string;
      const lanes = await laneTimes(database, id, broadcastStart, opts.timeoutMs);
      const view = (await api('GET', `/broadcasts/${id}`)).json.broadcast as { totals: Record<string, number> };
      const linkedContacts = outage.contacts.filter((c) => linked.has(conversationOf.get(c.id) ?? ''));
      const counts = await countAtPeers({ url, x, wa, mail }, linkedContacts, d.delivered, 'Actualización');
      return {
        contacts: outage.contacts.length,
        replaySeconds,
        handOverSeconds: handOverMs / 1000,
        ingestPerSecond: d.sent / replaySeconds,
        proposedAfterMinutes,
        detectP50Ms: percentile(detectMs, 50),
        detectMaxMs: Math.max(...detectMs),
        recall: score.recall,
        precision: score.outage.linked / Math.max(1, score.outage.linked + score.unrelated.linked),
        falseShare: score.falseShare,
        acceptSeconds,
        broadcast: {
          recipients: linked.size,
          seconds: Math.max(0, ...lanes.map((l) => l.seconds)),
          lanes,
          reachedAll: Object.values(counts).every((c) => c.reached === c.recipients),
          duplicates: totalDuplicates(counts),
          failed: view.totals.failed ?? 0,
          skipped: view.totals.skipped ?? 0,
        },
      };
    } finally {
      await node.stop();
      await Promise.all([x.close(), wa.close(), smtp.close()]);
      await dovecot.stop();
    }
  });
}

/**
 * Samples the broadcast's messages by channel and visibility until none is queued: each lane's
 * time is from the broadcast's start to the sample that first saw all of its messages out.
 */
async function laneTimes(database: TestDatabase, broadcastId: string, since: number, timeoutMs: number): Promise<IncidentLane[]> {
  const done = new Map<string, IncidentLane>();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ channel_kind: string; visibility: string; total: number; out: number; open: number }>`
      SELECT c.channel_kind, m.visibility, count(*)::int AS total,
        count(*) FILTER (WHERE m.delivery_state IN ('sent', 'delivered', 'read'))::int AS out,
        count(*) FILTER (WHERE m.delivery_state = 'queued')::int AS open
      FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.metadata->'broadcast'->>'broadcastId' = ${broadcastId} GROUP BY 1, 2`.execute(database.db.kysely);
    const fanning = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM broadcast_recipients WHERE broadcast_id = ${broadcastId} AND state = 'pending'`.execute(
      database.db.kysely,
    );
    const seconds = (performance.now() - since) / 1000;
    for (const r of rows) {
      const key = `${r.channel_kind}:${r.visibility}`;
      if (r.open === 0 && !done.has(key) && (fanning.rows[0]?.n ?? 0) === 0) {
        done.set(key, { channel: r.channel_kind, visibility: r.visibility, count: r.out, seconds, perSecond: r.out / seconds });
      }
    }
    if (rows.length > 0 && rows.every((r) => done.has(`${r.channel_kind}:${r.visibility}`))) return [...done.values()];
    if (Date.now() > until) throw new Error(`the broadcast did not finish in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
