/**
 * The far side of the WhatsApp figures in a process of its own, so what Meta's side costs
 * (composing deliveries, serialising and signing them, serving media) does not land in the node's
 * event loop or its CPU figure: the local Graph API peer (`@centralita/channel-whatsapp/testing`).
 * Started by bench/whatsapp.ts and told what to do over IPC; every request carries an id that its
 * answer repeats. Deliveries are composed ahead (`plan`, `statuses`) and posted later (`deliver`),
 * so the timed part is only the posting.
 */
import { type ChangePart, type GraphPeer, metaJson, type PeerUserInput, startGraphPeer } from '@centralita/channel-whatsapp/testing';

export type WaPeerRequest =
  | { type: 'start' }
  | { type: 'plan'; plan: MessagePlan }
  | { type: 'statuses'; name: string; targets: { messageId: string; bsuid: string }[]; perDelivery: number }
  | { type: 'deliver'; name: string; url: string; concurrency: number }
  | { type: 'stop' };

/**
 * `messages` customer messages from `customers` customers (message k from customer k mod
 * customers), `perDelivery` in one change of one delivery. Customer c: one in ten is known by
 * BSUID alone; one in ten shares the phone only from the second half of the plan on (a later
 * message joins it to the same contact); the rest always share it. Every `imageEvery`-th message
 * is a photo the peer serves (0: none).
 */
export interface MessagePlan {
  name: string;
  /** Tells apart the customers of one run from another's (the peer keeps every user it saw). */
  run: number;
  messages: number;
  customers: number;
  perDelivery: number;
  imageEvery: number;
}

export interface PlannedMessages {
  /** Every message's wamid, in plan order. */
  ids: string[];
  /** The deliveries' raw bodies as Meta serialises them, for the baseline to parse. */
  bodies: string[];
  /** Customers by kind, as planned. */
  bsuidOnly: number;
  latePhone: number;
}

export interface PeerStarted {
  graphUrl: string;
  graphVersion: string;
  accessToken: string;
  appSecret: string;
  phoneNumberId: string;
  businessAccountId: string;
}

export interface DeliverAnswer {
  deliveries: number;
  /** Answers by HTTP status (null: the call failed), retries included. */
  byStatus: Record<string, number>;
  /** Deliveries posted again after an answer other than 200 (Meta retries them). */
  retried: number;
  /** Deliveries that never got a 200 in five tries. */
  failed: number;
  seconds: number;
  /** The peer's CPU over the posting, ms. */
  cpuMs: number;
}

const COMPLAINTS = [
  'Hola, llevo dos días sin fibra y nadie me dice nada',
  'El router parpadea en rojo desde esta mañana',
  '¿Por qué me habéis cobrado dos veces este mes?',
  'Otra vez sin cobertura en el centro',
  'Quiero cambiar de tarifa, ¿me llamáis?',
];

let peer: GraphPeer | null = null;
/** Deliveries composed ahead, by name: phases of raw bodies, each phase posted before the next. */
const prepared = new Map<string, string[][]>();
let media: string[] = [];

function mustPeer(): GraphPeer {
  if (!peer) throw new Error('the Graph peer is not started');
  return peer;
}

/** Customer `c` of run `run`, as of message k of the plan: BSUID always, the phone as its kind says. */
function customer(run: number, c: number, secondHalf: boolean): PeerUserInput {
  const n = run * 1_000_000 + c;
  const country = c % 4 === 1 ? 'MX' : 'ES';
  const bsuid = `${country}.${(1_300_000_000_000 + n * 7_919).toString()}`;
  const name = `Cliente ${c}`;
  const shares = c % 10 === 0 ? false : c % 10 === 5 ? secondHalf : true;
  if (!shares) return { bsuid, name };
  // Spanish mobiles +34 6xx xxx xxx, Mexican +52 55 xxxx xxxx; distinct per run (under 100) and customer (under 100,000).
  const line = String(10_000_000 + (run % 100) * 100_000 + c);
  const phone = country === 'MX' ? `+5255${line}` : `+346${line}`;
  return { bsuid, name, phone };
}

function planMessages(plan: MessagePlan): PlannedMessages {
  const p = mustPeer();
  if (plan.imageEvery > 0 && media.length === 0) {
    // A few photos of 20–60 KB; many messages may name the same one (the host keeps each file once).
    media = [20_000, 35_000, 48_000, 60_000].map((size, i) =>
      p.addMedia(
        new Uint8Array(size).map((_, j) => (j * (31 + i)) % 256),
        'image/jpeg',
      ),
    );
  }
  const ids: string[] = [];
  const bodies: string[] = [];
  let parts: ChangePart[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    bodies.push(metaJson(p.delivery(parts, { grouping: 'value' })));
    parts = [];
  };
  for (let k = 0; k < plan.messages; k++) {
    const c = k % plan.customers;
    const from = customer(plan.run, c, k >= plan.messages / 2);
    const text = `${COMPLAINTS[k % COMPLAINTS.length]} (${k})`;
    const part =
      plan.imageEvery > 0 && k % plan.imageEvery === plan.imageEvery - 1
        ? p.inbound.image({ from, media: media[k % media.length] as string, caption: text })
        : p.inbound.text({ from, text });
    ids.push((part.message as { id: string }).id);
    parts.push(part);
    if (parts.length === plan.perDelivery) flush();
  }
  flush();
  const kinds = Array.from({ length: plan.customers }, (_, c) => c % 10);
  prepared.set(plan.name, [bodies]);
  return { ids, bodies, bsuidOnly: kinds.filter((k) => k === 0).length, latePhone: kinds.filter((k) => k === 5).length };
}

/** `delivered` for every target, then `read` for every target, `perDelivery` statuses a delivery. */
function planStatuses(name: string, targets: { messageId: string; bsuid: string }[], perDelivery: number): number {
  const p = mustPeer();
  const phases = (['delivered', 'read'] as const).map((state) => {
    const bodies: string[] = [];
    for (let i = 0; i < targets.length; i += perDelivery) {
      const parts = targets.slice(i, i + perDelivery).map((t) => {
        const to = p.user(t.bsuid);
        if (!to) throw new Error(`the peer knows no user ${t.bsuid}`);
        return p.statuses[state]({ messageId: t.messageId, to });
      });
      bodies.push(metaJson(p.delivery(parts, { grouping: 'value' })));
    }
    return bodies;
  });
  prepared.set(name, phases);
  return phases.reduce((n, ph) => n + ph.length, 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts a prepared set, `concurrency` deliveries in flight, each signed; one not answered 200 is posted again, as Meta does. */
async function deliverAll(name: string, url: string, concurrency: number): Promise<DeliverAnswer> {
  const p = mustPeer();
  const phases = prepared.get(name);
  if (!phases) throw new Error(`nothing prepared as ${name}`);
  prepared.delete(name);
  const byStatus: Record<string, number> = {};
  let retried = 0;
  let failed = 0;
  let deliveries = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const bodies of phases) {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as string;
          deliveries++;
          for (let attempt = 0; ; attempt++) {
            const answer = await p.deliver(url, body);
            const key = String(answer.status);
            byStatus[key] = (byStatus[key] ?? 0) + 1;
            if (answer.status === 200) break;
            if (attempt === 4) {
              failed++;
              break;
            }
            retried++;
            await sleep(50 * 2 ** attempt);
          }
        }
      }),
    );
  }
  const cpu = process.cpuUsage(cpu0);
  // The peer keeps every delivery it made; a long run need not.
  (p.deliveries as unknown[]).length = 0;
  (p.requests as unknown[]).length = 0;
  return { deliveries, byStatus, retried, failed, seconds: (performance.now() - t0) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function handle(req: WaPeerRequest): Promise<unknown> {
  switch (req.type) {
    case 'start': {
      peer = await startGraphPeer();
      return {
        graphUrl: peer.url,
        graphVersion: peer.version,
        accessToken: peer.accessToken,
        appSecret: peer.appSecret,
        phoneNumberId: peer.phoneNumberId,
        businessAccountId: peer.wabaId,
      } satisfies PeerStarted;
    }
    case 'plan':
      return planMessages(req.plan);
    case 'statuses':
      return { deliveries: planStatuses(req.name, req.targets, req.perDelivery) };
    case 'deliver':
      return deliverAll(req.name, req.url, req.concurrency);
    case 'stop':
      await peer?.close();
      return {};
  }
}

process.on('message', (raw: unknown) => {
  const { id, request } = raw as { id: number; request: WaPeerRequest };
  const send = (m: unknown) => process.send?.(m);
  handle(request).then(
    (answer) => {
      send({ type: 'answer', id, answer });
      if (request.type === 'stop') {
        process.disconnect?.();
        setTimeout(() => process.exit(0), 50).unref();
      }
    },
    (err: unknown) => send({ type: 'answer', id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => {
  // The bench went away: do not linger holding ports.
  setTimeout(() => process.exit(0), 1_000).unref();
});
