import { waitFor } from '@centralita/channel-kit/conformance';
import { type GraphPeer, startGraphPeer } from '@centralita/channel-whatsapp/testing';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, conversationOfIdentity, createEmailAccount, login, postForm, useServer } from './harness.ts';
import { listen } from './sockets.ts';
import { cloudConfig } from './wa-kit.ts';
import { createXAccount, storedMessage, useXPeer } from './x-kit.ts';

// An incident's status update over real channels: a web form, X (public replies and DMs) and
// WhatsApp on their peers, and email through a real mailbox and SMTP listener. The outbox sends
// every message; the test reads what each peer received.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
const x = useXPeer(t);
let wa: GraphPeer;
let mail: MailPeer;
let supervisor = '';
let agent = '';
const ids = { x: '', wa: '', email: '' };
/** Conversations by who wrote them. */
const conv: Record<string, string> = {};
let incidentNumber = 40;

const db = () => t.db.current.db.kysely;
const api = (method: string, path: string, body?: unknown, cookie = supervisor) =>
  call(t.url, method, `/api/v1${path}`, { cookie, ...(body !== undefined ? { body } : {}) });

/** An active incident with these conversations linked (set up in the database: incidents are B's API). */
async function incident(conversationIds: string[], statusText = 'Avería de fibra en Madrid norte; volvemos hacia las 18:00') {
  incidentNumber += 1;
  const now = new Date();
  const row = await db()
    .insertInto('incidents')
    .values({
      workspace_id: x.f.workspaceId,
      number: incidentNumber,
      status: 'active',
      title: `Fibra caída ${incidentNumber}`,
      status_text: statusText,
      starts_at: now,
      declared_at: now,
      matching: '{}',
    })
    .returning(['id', 'number'])
    .executeTakeFirstOrThrow();
  await db()
    .insertInto('incident_links')
    .values(
      conversationIds.map((id) => ({
        incident_id: row.id,
        conversation_id: id,
        workspace_id: x.f.workspaceId,
        linked_by: 'user' as const,
        linked_at: now,
        reasons: '{}',
      })),
    )
    .execute();
  await db().updateTable('conversations').set({ incident_id: row.id }).where('id', 'in', conversationIds).execute();
  return row;
}

async function finished(broadcastId: string) {
  return waitFor(
    async () => {
      const res = await api('GET', `/broadcasts/${broadcastId}`);
      return res.json.broadcast.state === 'done' || res.json.broadcast.state === 'cancelled' ? res.json.broadcast : undefined;
    },
    { timeoutMs: 30_000, what: `broadcast ${broadcastId} to finish` },
  );
}

/** The broadcast's messages, one row per message. */
async function messagesOf(broadcastId: string) {
  return db()
    .selectFrom('messages')
    .select([
      'id',
      'conversation_id',
      'channel_account_id',
      'visibility',
      'text',
      'delivery_state',
      'author_type',
      'metadata',
      'failure_reason',
    ])
    .where(sql<boolean>`metadata->'broadcast'->>'broadcastId' = ${broadcastId}`)
    .execute();
}

/** Makes the customer's latest WhatsApp message `hours` old, so the 24-hour window is closed. */
async function age(conversationId: string, hours: number) {
  const at = new Date(Date.now() - hours * 3_600_000);
  await sql`UPDATE messages SET created_at = ${at}, metadata = jsonb_set(metadata, '{sentAt}', to_jsonb(${at.toISOString()}::text))
    WHERE conversation_id = ${conversationId} AND direction = 'inbound'`.execute(db());
}

const fast = () => ({ [ids.x]: 6_000, [ids.wa]: 6_000, [ids.email]: 6_000 });

beforeAll(async () => {
  // Four recipients a fan-out transaction: every broadcast here takes several chunks, each its own job.
  t.node.ctx.settings.broadcastChunk = 4;
  supervisor = await login(t.url, x.f.users.supervisor.email);
  agent = await login(t.url, x.f.users.agent.email);
  // Web form: customers with names, and one we answer by hand before the update.
  for (const name of ['Lucía', 'Mateo', 'Irene']) {
    const res = await postForm(t.url, x.f.formAccountId, {
      name,
      email: `${name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}@example.es`,
      message: 'No tengo fibra',
    });
    expect(res.status, res.text).toBe(201);
    conv[name] = res.json.conversationId;
  }
  // X: three mentions (public replies allowed), a reply that does not name the brand (a DM
  // instead), and a DM.
  ids.x = await createXAccount(t, x.f.adminToken, x.peer, { webhook: true, mentions: true, reconcileSeconds: 0.2 });
  for (const username of ['ana_x', 'bruno_x', 'carla_x', 'dani_x', 'eva_x']) x.peer.addUser({ username, name: username, acceptsDms: true });
  for (const username of ['ana_x', 'bruno_x', 'carla_x']) {
    const post = x.peer.post({ from: username, text: `@${x.peer.brand.username} sin internet desde esta mañana` });
    conv[username] = (await storedMessage(t, post.id)).conversation_id;
  }
  const brandPost = x.peer.post({ from: x.peer.brand.username, text: 'Estamos revisando una avería en Madrid' });
  const reply = x.peer.post({ from: 'dani_x', text: 'a mí también me pasa', replyTo: brandPost.id });
  conv.dani_x = (await storedMessage(t, reply.id)).conversation_id;
  const dm = x.peer.sendDm({ from: 'eva_x', text: 'hola, no tengo fibra' });
  conv.eva_x = (await storedMessage(t, dm.id)).conversation_id;
  // WhatsApp Cloud: two customers inside the window, one whose window closed yesterday.
  wa = await startGraphPeer();
  const account = await call(t.url, 'POST', '/api/v1/channel-accounts', {
    token: x.f.adminToken,
    body: { kind: 'whatsapp', name: 'WhatsApp Acme', config: cloudConfig(wa, { pairSpacingMs: 0 }) },
  });
  expect(account.status, account.text).toBe(201);
  ids.wa = account.json.channelAccount.id;
  for (const [name, phone] of [
    ['Pilar', '+34611000001'],
    ['Quique', '+34611000002'],
    ['Rosa', '+34611000003'],
  ] as const) {
    const part = wa.inbound.text({ from: { bsuid: `ES.${phone.slice(-7)}`, phone, name }, text: 'sin conexión' });
    await wa.deliver(`${t.url}/webhooks/${ids.wa}`, wa.delivery([part]));
    conv[name] = (await storedMessage(t, (part.message as { id: string }).id)).conversation_id;
  }
  await age(conv.Rosa as string, 30);
  // Email, through a real mailbox.
  mail = await openMailPeer();
  ids.email = await createEmailAccount(t.url, x.f.adminToken, mail.config);
  for (const who of ['sara@example.com', 'tomas@example.com']) {
    await mail.send({ from: who, subject: 'Sin fibra', text: 'No funciona internet en casa' });
    conv[who] = await conversationOfIdentity(t, who);
  }
}, 120_000);

afterAll(async () => {
  await wa?.close();
  await mail?.close();
});

describe('an incident update on every channel', () => {
  let incidentId = '';
  const template = { name: 'order_update', language: 'es', parameters: { 'body.1': '{ref}' } };

  beforeAll(async () => {
    // Lucía was answered by a person before the incident: her first response stays the agent's.
    const answered = await api('POST', `/conversations/${conv.Lucía}/messages`, { text: 'Lo miramos' }, agent);
    expect(answered.status, answered.text).toBe(201);
    incidentId = (await incident(Object.values(conv))).id;
  });

  it('estimates recipients per channel, what is skipped and why, and the cost at the ledger’s prices', async () => {
    const without = await api('POST', `/incidents/${incidentId}/broadcasts/estimate`, { text: 'Hola {name}: {status}', rates: fast() });
    expect(without.status, without.text).toBe(200);
    expect(without.json.skipped).toEqual([
      { reason: 'The reply window is closed and no template was chosen for this broadcast.', count: 1 },
    ]);
    const res = await api('POST', `/incidents/${incidentId}/broadcasts/estimate`, {
      text: 'Hola {name}: {status}',
      whatsappTemplate: template,
      rates: fast(),
    });
    expect(res.status, res.text).toBe(200);
    const lanes = Object.fromEntries(
      (res.json.byChannel as { kind: string; visibility: string; count: number; template: number; costMicros: number }[]).map((l) => [
        `${l.kind}:${l.visibility}`,
        l,
      ]),
    );
    expect(res.json.recipients).toBe(13);
    expect(res.json.skipped).toEqual([]);
    expect(lanes['webform:private']).toMatchObject({ count: 3, costMicros: 0, ratePerMinute: null });
    expect(lanes['email:private']).toMatchObject({ count: 2, costMicros: 0 });
    // X: replies to posts that summoned the brand at $0.010; dani_x's post did not, so a DM ($0.015) like eva_x's.
    expect(lanes['twitter:public']).toMatchObject({ count: 3, costMicros: 30_000, currency: 'USD' });
    expect(lanes['twitter:private']).toMatchObject({ count: 2, costMicros: 30_000 });
    // WhatsApp: two service replies and one utility template, in Spain, at the list price of $0.0077.
    expect(lanes['whatsapp:private']).toMatchObject({ count: 3, template: 1, costMicros: 23_100 });
    expect(res.json.costMicros).toEqual({ USD: 83_100 });
    expect(res.json.warnings.join(' ')).toMatch(/1 customers who wrote in public get a DM/);
  });

  let broadcastId = '';

  it('sends every linked conversation exactly one message, on its own channel', async () => {
    const progress = await listen(t.url, { cookie: supervisor });
    const res = await api('POST', `/incidents/${incidentId}/broadcasts`, {
      text: 'Hola {name}: {status}',
      whatsappTemplate: template,
      rates: fast(),
    });
    expect(res.status, res.text).toBe(202);
    broadcastId = res.json.broadcast.id;
    // Fan-out runs racing the job (a retry after a crash, a second node) create nothing twice.
    await Promise.all([1, 2, 3].map(() => t.node.ctx.broadcasts.fanOut({ workspaceId: x.f.workspaceId, broadcastId })));
    expect(res.json.broadcast.totals.recipients).toBe(13);
    const done = await finished(broadcastId);
    // The web form delivers to the customer's page at once; the others report sent.
    expect(done.totals).toEqual({ recipients: 13, pending: 0, queued: 0, sent: 10, delivered: 3, failed: 0, skipped: 0 });
    const messages = await messagesOf(broadcastId);
    expect(messages).toHaveLength(13);
    expect(new Set(messages.map((m) => m.conversation_id))).toEqual(new Set(Object.values(conv)));
    for (const m of messages)
      expect([m.author_type, m.delivery_state === 'delivered' ? 'sent' : m.delivery_state]).toEqual(['system', 'sent']);
    const byConv = new Map(messages.map((m) => [m.conversation_id, m]));
    // Each on the account the customer wrote on, the way they wrote.
    expect(byConv.get(conv.ana_x as string)).toMatchObject({ channel_account_id: ids.x, visibility: 'public' });
    expect(byConv.get(conv.dani_x as string)).toMatchObject({ channel_account_id: ids.x, visibility: 'private' });
    expect(byConv.get(conv.Rosa as string)?.metadata).toMatchObject({ template: { name: 'order_update' } });
    expect(byConv.get(conv['sara@example.com'] as string)?.channel_account_id).toBe(ids.email);
    expect(byConv.get(conv.Mateo as string)?.text).toBe('Hola Mateo: Avería de fibra en Madrid norte; volvemos hacia las 18:00');
    // What each peer received.
    const replies = x.peer.createdPosts().filter((p) => p.post.text.includes('Hola ') && p.post.text.includes('Avería'));
    expect(replies.map((p) => p.replyTo).sort()).toEqual(
      await Promise.all(['ana_x', 'bruno_x', 'carla_x'].map(async (u) => latestExternal(conv[u] as string))).then((a) => a.sort()),
    );
    expect(
      x.peer
        .sentDms()
        .filter((d) => d.event.text?.startsWith('Hola '))
        .map((d) => d.recipientId)
        .sort(),
    ).toEqual(['dani_x', 'eva_x'].map((u) => x.peer.user(u)?.id).sort());
    const waSent = wa.sent.filter((s) => s.type === 'text' || s.type === 'template');
    expect(waSent.map((s) => s.type).sort()).toEqual(['template', 'text', 'text']);
    const customers = ['sara@example.com', 'tomas@example.com'];
    const sentMail = await waitFor(() => {
      const to = mail.smtp.received.flatMap((m) => m.to).filter((a) => customers.includes(a));
      return to.length >= 2 ? to : undefined;
    });
    expect(sentMail.sort()).toEqual(customers);
    // Live progress reached the supervisor, ending with the totals.
    const last = await waitFor(() => {
      const events = progress.events.filter((e) => e.name === 'broadcast.progress');
      const end = events.at(-1)?.payload as { broadcast: { state: string; totals: { sent: number } } } | undefined;
      return end?.broadcast.state === 'done' ? end : undefined;
    });
    expect(last.broadcast.totals).toMatchObject({ sent: 10, delivered: 3 });
  });

  it('never posts two identical public replies on X: each carries its own reference', async () => {
    const texts = (await messagesOf(broadcastId)).filter((m) => m.visibility === 'public').map((m) => m.text);
    expect(texts).toHaveLength(3);
    expect(new Set(texts).size).toBe(3);
    for (const text of texts) expect(text).toMatch(/ · INC-\d+·\d+$/);
    // DMs and other channels keep the text as written.
    const dm = (await messagesOf(broadcastId)).find((m) => m.conversation_id === conv.eva_x);
    expect(dm?.text).not.toContain('INC-');
  });

  it('counts the broadcast as the first response, apart from a person’s', async () => {
    const rows = await db()
      .selectFrom('conversations')
      .select(['id', 'first_responded_at', 'first_response_kind', 'awaiting_reply_since'])
      .where('id', 'in', Object.values(conv))
      .execute();
    const kinds = new Map(rows.map((r) => [r.id, r.first_response_kind]));
    expect(kinds.get(conv.Lucía as string)).toBe('agent');
    for (const [who, id] of Object.entries(conv)) {
      if (who === 'Lucía') continue;
      expect(kinds.get(id), who).toBe('broadcast');
    }
    for (const r of rows) expect(r.first_responded_at).not.toBeNull();
    const link = await db().selectFrom('incidents').select('first_update_at').where('id', '=', incidentId).executeTakeFirstOrThrow();
    expect(link.first_update_at).not.toBeNull();
  });

  it('skips a closed WhatsApp window without a template, and reports a channel’s refusal with its reason', async () => {
    wa.failNext({ code: 131026 });
    const res = await api('POST', `/incidents/${incidentId}/broadcasts`, { text: 'Seguimos trabajando: {status}', rates: fast() });
    expect(res.status, res.text).toBe(202);
    const done = await finished(res.json.broadcast.id);
    const t0 = done.totals;
    expect(t0.pending + t0.queued + t0.sent + t0.delivered + t0.failed + t0.skipped).toBe(t0.recipients);
    expect(t0).toMatchObject({ recipients: 13, skipped: 1, failed: 1, sent: 8, delivered: 3 });
    expect(done.skipped).toEqual([{ reason: 'The reply window is closed and no template was chosen for this broadcast.', count: 1 }]);
    expect(done.failures).toEqual([
      { conversationId: expect.any(String), channelKind: 'whatsapp', reason: expect.stringContaining('131026') },
    ]);
    const whatsapp = done.byChannel.find((l: { kind: string }) => l.kind === 'whatsapp');
    expect(whatsapp).toMatchObject({ recipients: 3, sent: 1, failed: 1, skipped: 1, name: 'WhatsApp Acme' });
  });

  it('paces each channel, the most urgent conversations first, and cancels what has not gone yet', async () => {
    const priorities: [string, number][] = [
      ['ana_x', 0],
      ['bruno_x', 90],
      ['carla_x', 50],
    ];
    for (const [who, priority] of priorities)
      await db()
        .updateTable('conversations')
        .set({ priority })
        .where('id', '=', conv[who] as string)
        .execute();
    // X at two a minute (public replies and DMs alike) and email at one: the later slots wait, long enough to cancel them.
    const res = await api('POST', `/incidents/${incidentId}/broadcasts`, {
      text: 'Última hora: {status}',
      rates: { ...fast(), [ids.x]: 2, [ids.email]: 1 },
    });
    expect(res.status, res.text).toBe(202);
    const id = res.json.broadcast.id as string;
    await waitFor(async () => {
      const b = (await api('GET', `/broadcasts/${id}`)).json.broadcast;
      return b.totals.pending === 0 && b.totals.queued === 4 ? b : undefined;
    });
    const messages = new Map((await messagesOf(id)).map((m) => [m.conversation_id, m]));
    const jobs = await sql<{ key: string; run_at: Date; priority: number }>`SELECT key, run_at, priority FROM graphile_worker._private_jobs
      WHERE key = ANY(${priorities.map(([who]) => `send:${messages.get(conv[who] as string)?.id}`)}::text[])`.execute(db());
    const job = (who: string) => jobs.rows.find((j) => j.key === `send:${messages.get(conv[who] as string)?.id}`);
    // The most urgent took the first slot and went at once; the others wait half a minute apart.
    expect(messages.get(conv.bruno_x as string)?.delivery_state).not.toBe('queued');
    // Behind every agent's reply and routing timer (priority -1000..1000 and 0), among themselves by urgency.
    expect(job('carla_x')?.priority).toBe(2_950);
    expect(job('ana_x')?.priority).toBe(3_000);
    // The same update again while this one is sending (a double click) sends nothing twice.
    const again = await api('POST', `/incidents/${incidentId}/broadcasts`, {
      text: 'Última hora: {status}',
      rates: { ...fast(), [ids.x]: 2, [ids.email]: 1 },
    });
    expect(again.status, again.text).toBe(409);
    expect(again.json.error.message).toMatch(/^This update is already being sent to INC-\d+ \(broadcast [0-9a-f-]+, sending\)/);
    const [carla, ana] = [job('carla_x')?.run_at.getTime() ?? 0, job('ana_x')?.run_at.getTime() ?? 0];
    expect(ana - carla).toBe(30_000);
    const cancelled = await api('POST', `/broadcasts/${id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.json.broadcast.state).toBe('cancelled');
    expect(cancelled.json.broadcast.totals.queued).toBe(0);
    expect(
      (cancelled.json.broadcast.failures as { conversationId: string; channelKind: string; reason: string }[])
        .map((f) => [f.channelKind, f.reason])
        .sort(),
    ).toEqual([
      ['email', 'Cancelled by supervisor'],
      ['twitter', 'Cancelled by supervisor'],
      ['twitter', 'Cancelled by supervisor'],
      ['twitter', 'Cancelled by supervisor'],
    ]);
    expect(x.peer.createdPosts().filter((p) => p.post.text.includes('Última hora'))).toHaveLength(1);
    // Nothing of it is left waiting in the outbox.
    const left = await sql<{ n: string }>`SELECT count(*) AS n FROM graphile_worker._private_jobs
      WHERE key = ANY(${[...messages.values()].map((m) => `send:${m.id}`)}::text[])`.execute(db());
    expect(Number(left.rows[0]?.n)).toBe(0);
    expect((await api('POST', `/broadcasts/${id}/cancel`)).status).toBe(409);
    const log = await db()
      .selectFrom('incident_events')
      .select(['type', 'data'])
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute();
    expect(log.map((e) => e.type)).toEqual([
      'incident.broadcast_started',
      'incident.broadcast_finished',
      'incident.broadcast_started',
      'incident.broadcast_finished',
      'incident.broadcast_started',
      'incident.broadcast_finished',
    ]);
  });

  it('lists the incident’s broadcasts, newest first', async () => {
    const res = await api('GET', `/incidents/${incidentId}/broadcasts`);
    expect(res.status).toBe(200);
    expect(res.json.items.map((b: { state: string }) => b.state)).toEqual(['cancelled', 'done', 'done']);
  });
});

describe('a broadcast’s sends, whatever happens on the way', () => {
  it('answers a sent message’s conversation on the send job’s rerun after a crash, and keeps the clock of a customer who wrote since', async () => {
    const [irene, mateo] = [conv.Irene as string, conv.Mateo as string];
    const { id } = await incident([irene, mateo]);
    const res = await api('POST', `/incidents/${id}/broadcasts`, { text: 'Seguimos con ello, {name}', rates: fast() });
    expect(res.status, res.text).toBe(202);
    const broadcastId = res.json.broadcast.id as string;
    await finished(broadcastId);
    const sent = await db()
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'created_at'])
      .where(sql<boolean>`metadata->'broadcast'->>'broadcastId' = ${broadcastId}`)
      .execute();
    const queuedAt = new Map(sent.map((m) => [m.conversation_id, m.created_at.getTime()]));
    // The node died after committing `sent` and before the conversations were marked answered;
    // Mateo wrote again after the update was queued.
    const later = new Date((queuedAt.get(mateo) ?? 0) + 1_000);
    const due = new Date(Date.now() + 3_600_000);
    for (const [who, awaiting] of [
      [irene, new Date((queuedAt.get(irene) ?? 0) - 60_000)],
      [mateo, later],
    ] as const)
      await db()
        .updateTable('conversations')
        .set({ first_responded_at: null, first_response_kind: null, awaiting_reply_since: awaiting, next_response_due_at: due })
        .where('id', '=', who)
        .execute();
    await db().updateTable('incident_links').set({ first_update_at: null }).where('incident_id', '=', id).execute();
    // What the reclaim hands a live node: the same send jobs again.
    for (const m of sent)
      await sql`SELECT graphile_worker.add_job('send_message', json_build_object('messageId', ${m.id}::text, 'workspaceId', ${x.f.workspaceId}::text),
        job_key => ${`send:${m.id}`}, max_attempts => 10)`.execute(db());
    const rows = await waitFor(async () => {
      const r = await db()
        .selectFrom('conversations')
        .select(['id', 'first_response_kind', 'awaiting_reply_since', 'next_response_due_at'])
        .where('id', 'in', [irene, mateo])
        .execute();
      return r.every((c) => c.first_response_kind === 'broadcast') ? new Map(r.map((c) => [c.id, c])) : undefined;
    });
    expect(rows.get(irene)).toMatchObject({ awaiting_reply_since: null, next_response_due_at: null });
    // Mateo's newer message is still waiting for an answer, with its deadline.
    expect(rows.get(mateo)).toMatchObject({ awaiting_reply_since: later, next_response_due_at: due });
    const links = await db().selectFrom('incident_links').select('first_update_at').where('incident_id', '=', id).execute();
    for (const l of links) expect(l.first_update_at).not.toBeNull();
    // Nothing was sent twice.
    expect(await messagesOf(broadcastId)).toHaveLength(2);
  });

  it('skips one recipient whose message cannot be prepared, with the reason, and sends the rest', async () => {
    const who = [conv.Mateo, conv.Irene, conv['sara@example.com'], conv['tomas@example.com']] as string[];
    const { id } = await incident(who);
    const privacy = t.node.ctx.privacy;
    const original = privacy.checkReply.bind(privacy);
    privacy.checkReply = async (workspaceId, reply) => {
      if (reply.text.includes('Irene')) throw new Error('privacy settings could not be read');
      return original(workspaceId, reply);
    };
    let done: { totals: Record<string, number>; skipped: unknown; id: string };
    try {
      const res = await api('POST', `/incidents/${id}/broadcasts`, { text: 'Hola {name}, seguimos en ello', rates: fast() });
      expect(res.status, res.text).toBe(202);
      done = await finished(res.json.broadcast.id);
    } finally {
      Reflect.deleteProperty(privacy, 'checkReply');
    }
    expect(done.totals).toMatchObject({ recipients: 4, pending: 0, queued: 0, failed: 0, skipped: 1 });
    expect((done.totals.sent ?? 0) + (done.totals.delivered ?? 0)).toBe(3);
    expect(done.skipped).toEqual([{ reason: 'The message could not be prepared: privacy settings could not be read', count: 1 }]);
    const messages = await messagesOf(done.id);
    expect(new Set(messages.map((m) => m.conversation_id))).toEqual(new Set(who.filter((c) => c !== conv.Irene)));
  });
});

describe('bad input and roles', () => {
  it('refuses an unknown placeholder, an unsupported public post, an agent, and an incident of nobody', async () => {
    const { id } = await incident([conv.Mateo as string]);
    const typo = await api('POST', `/incidents/${id}/broadcasts`, { text: 'Hola {nombre}' });
    expect([typo.status, typo.json.error.message]).toEqual([422, 'text: {nombre} is not a placeholder; use {name}, {ref} or {status}.']);
    const post = await api('POST', `/incidents/${id}/broadcasts`, { text: 'Hola', publicPost: { channelAccountId: ids.x } });
    expect(post.status).toBe(422);
    expect(post.json.error.message).toMatch(/standalone post is not supported/);
    const rate = await api('POST', `/incidents/${id}/broadcasts/estimate`, { text: 'Hola', rates: { [x.f.workspaceId]: 5 } });
    expect(rate.status).toBe(422);
    expect((await api('POST', `/incidents/${id}/broadcasts/estimate`, { text: 'Hola' }, agent)).status).toBe(403);
    expect((await api('POST', `/incidents/${x.f.users.agent.id}/broadcasts/estimate`, { text: 'Hola' })).status).toBe(404);
    expect((await api('POST', `/incidents/${id}/broadcasts`, { text: '' })).status).toBe(422);
  });
});

/** The external id of the customer's latest message in a conversation (the post a reply answers). */
async function latestExternal(conversationId: string): Promise<string> {
  const row = await db()
    .selectFrom('messages')
    .select('external_id')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'inbound')
    .orderBy('created_at', 'desc')
    .executeTakeFirstOrThrow();
  return row.external_id as string;
}
