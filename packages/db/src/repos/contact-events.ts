import type { Actor } from '@centralita/core';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** An entry of a contact's own log (`contact_events`): edits, notes, merges. */
export interface NewContactEvent {
  workspaceId: string;
  contactId: string;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** Appends entries to contacts' logs in one statement, in the order given; call it inside the change's transaction. */
export async function appendContactEvents(db: Kysely<Database>, events: readonly NewContactEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('contact_events')
    .values(
      events.map((e) => ({
        workspace_id: e.workspaceId,
        contact_id: e.contactId,
        type: e.type,
        actor_type: e.actor.type,
        actor_id: e.actor.id,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}
