import { createHash } from 'node:crypto';
import { type Actor, type Conversation, SYSTEM_ACTOR } from '@centralita/core';
import { appendEvent, claimAcknowledgement, type Database, findIncident, type Incident } from '@centralita/db';
import type { Kysely } from 'kysely';
import type { AppLogger } from '../logger.ts';
import type { Change } from '../pipeline/commits.ts';

/** What an acknowledgement needs of the inbox (`Inbox.post`), without importing it (a cycle through the context). */
export interface ReplyPoster {
  post(
    workspaceId: string,
    conversationId: string,
    input: { kind: 'reply'; text: string; metadata: Record<string, unknown> },
    author: Actor,
  ): Promise<{ message: { id: string } }>;
}

export interface AcknowledgeDeps {
  db: Kysely<Database>;
  clock(): Date;
  logger: AppLogger;
  /** The inbox the acknowledgement is posted through (built after this service). */
  inbox(): ReplyPoster;
}

/**
 * The routing rule action `acknowledgeIncident` (docs/routing.md#incidents): a routing decision
 * whose rule asks for it carries the incident's id in its stored explanation, and after its
 * commit this posts the incident's status text once on the conversation, as a system message
 * (`metadata.incidentAck`) through the ordinary reply path, so the channel's policy, the privacy
 * guard and the outbox all apply and no SLA clock stops. "Once" holds across nodes: the link row
 * is claimed first, and a refused post is not tried again.
 */
const DONE_LIMIT = 50_000;

export class IncidentAcknowledger {
  readonly #running = new Map<string, Promise<void>>();
  /** Pairs this node already acknowledged or found claimed: later routing changes skip the database. */
  readonly #done = new Set<string>();

  constructor(private readonly deps: AcknowledgeDeps) {}

  onCommit(changes: readonly Change[]): void {
    for (const c of changes) {
      if (c.kind !== 'conversation' || c.cause !== 'routing') continue;
      const wanted = (c.conversation.routing.explanation as { acknowledgeIncident?: unknown } | null)?.acknowledgeIncident;
      if (typeof wanted !== 'string' || wanted !== c.conversation.routing.incidentId) continue;
      const key = `${wanted}:${c.conversation.id}`;
      if (this.#running.has(key) || this.#done.has(key)) continue;
      const run = this.#acknowledge(c.conversation, wanted)
        .then((claimed) => {
          // Bounded: forgetting only costs a database look that finds it claimed.
          if (this.#done.size >= DONE_LIMIT) this.#done.clear();
          if (claimed) this.#done.add(key);
        })
        .catch((error: unknown) =>
          this.deps.logger.error(
            { conversationId: c.conversation.id, incidentId: wanted, error: error instanceof Error ? error.message : String(error) },
            'incident acknowledgement failed',
          ),
        )
        .finally(() => this.#running.delete(key));
      this.#running.set(key, run);
    }
  }

  /** Waits for the acknowledgements under way (tests; a stopping node). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  /** Posts the acknowledgement if this call claims it; true once it is claimed (by this call or another). */
  async #acknowledge(conv: Conversation, incidentId: string): Promise<boolean> {
    const { db } = this.deps;
    const incident = await findIncident(db, conv.workspaceId, incidentId);
    // No status text yet: a later decision acknowledges, once a supervisor has written one.
    if (incident?.status !== 'active' || incident.statusText.trim() === '') return false;
    if (!(await claimAcknowledgement(db, incidentId, conv.id, this.deps.clock()))) return true;
    const event = (data: Record<string, unknown>) =>
      appendEvent(db, {
        workspaceId: conv.workspaceId,
        conversationId: conv.id,
        type: 'conversation.incident_acknowledged',
        actor: SYSTEM_ACTOR,
        data: { incidentId, ref: incident.ref, ...data },
      });
    try {
      const { message } = await this.deps
        .inbox()
        .post(
          conv.workspaceId,
          conv.id,
          { kind: 'reply', text: await this.#text(conv, incident), metadata: { incidentAck: { incidentId } } },
          SYSTEM_ACTOR,
        );
      await event({ messageId: message.id, sent: true });
    } catch (error) {
      // The channel may not take it now (a closed WhatsApp window, a public reply the privacy
      // guard refuses): the acknowledgement is optional, so it is recorded and not tried again.
      const reason = error instanceof Error ? error.message : String(error);
      await event({ sent: false, reason });
      this.deps.logger.info({ conversationId: conv.id, incidentId, reason }, 'incident acknowledgement not sent');
    }
    return true;
  }

  /**
   * The status text; in reply to a public post it ends with the incident's reference and a code
   * of the conversation, since X refuses a second identical post ("INC-7·0k3f9x2b").
   */
  async #text(conv: Conversation, incident: Incident): Promise<string> {
    const latest = await this.deps.db
      .selectFrom('messages')
      .select('visibility')
      .where('conversation_id', '=', conv.id)
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest?.visibility !== 'public') return incident.statusText;
    return `${incident.statusText} · ${incident.ref}·${ackCode(conv.id)}`;
  }
}

/**
 * The conversation's code in a public acknowledgement: 8 base36 characters of a 40-bit hash, so
 * an outage's 20,000 replies repeat none (about 2 in 10,000 outages would see one pair) and X,
 * which refuses a second identical post, takes them all.
 */
export function ackCode(conversationId: string): string {
  const bits = Number.parseInt(createHash('sha256').update(conversationId).digest('hex').slice(0, 10), 16);
  return bits.toString(36).padStart(8, '0');
}
