import { type Actor, normaliseExternalId } from '@centralita/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.ts';
import type { HandoffsTable } from '../schema-handoff.ts';

export type HandoffTarget = HandoffsTable['target'];
export type HandoffMethod = HandoffsTable['method'];

/** A handoff as the API shows it. */
export interface Handoff {
  id: string;
  conversationId: string;
  target: HandoffTarget;
  channelAccountId: string;
  fromChannelAccountId: string | null;
  method: HandoffMethod;
  code: string | null;
  link: string | null;
  /** Sent in a public post: its code proves nobody, so a new identity using it is only suggested. */
  public: boolean;
  /** Who the customer is expected to arrive as ("email" and the address the first mail went to). */
  expected: { kind: string; externalId: string } | null;
  expiresAt: Date;
  createdAt: Date;
  createdBy: Actor;
  joinedAt: Date | null;
  joinedMessageId: string | null;
  status: 'sent' | 'joined' | 'expired';
}

export function toHandoff(r: Selectable<HandoffsTable>, now: Date): Handoff {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    target: r.target,
    channelAccountId: r.channel_account_id,
    fromChannelAccountId: r.from_channel_account_id,
    method: r.method,
    code: r.code,
    link: r.link,
    public: r.public,
    expected: r.expected_kind && r.expected_external_id ? { kind: r.expected_kind, externalId: r.expected_external_id } : null,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
    createdBy: { type: r.created_by_type as Actor['type'], id: r.created_by_id },
    joinedAt: r.joined_at,
    joinedMessageId: r.joined_message_id,
    status: r.joined_at ? 'joined' : r.expires_at <= now ? 'expired' : 'sent',
  };
}

export interface NewHandoff {
  id?: string;
  workspaceId: string;
  conversationId: string;
  fromChannelAccountId: string | null;
  target: HandoffTarget;
  channelAccountId: string;
  method: HandoffMethod;
  code: string | null;
  link: string | null;
  public?: boolean;
  expected: { kind: string; externalId: string } | null;
  expiresAt: Date;
  createdBy: Actor;
  now: Date;
}

export async function insertHandoff(db: Kysely<Database>, h: NewHandoff): Promise<Handoff> {
  const row = await db
    .insertInto('handoffs')
    .values({
      ...(h.id ? { id: h.id } : {}),
      workspace_id: h.workspaceId,
      conversation_id: h.conversationId,
      from_channel_account_id: h.fromChannelAccountId,
      target: h.target,
      channel_account_id: h.channelAccountId,
      method: h.method,
      code: h.code,
      link: h.link,
      public: h.public === true,
      expected_kind: h.expected?.kind ?? null,
      expected_external_id: h.expected ? normaliseExternalId(h.expected.kind, h.expected.externalId) : null,
      expires_at: h.expiresAt,
      created_by_type: h.createdBy.type,
      created_by_id: h.createdBy.id,
      created_at: h.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toHandoff(row, h.now);
}

export async function listHandoffs(db: Kysely<Database>, workspaceId: string, conversationId: string, now: Date): Promise<Handoff[]> {
  const rows = await db
    .selectFrom('handoffs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => toHandoff(r, now));
}

export async function findHandoff(db: Kysely<Database>, workspaceId: string, id: string, now: Date): Promise<Handoff | null> {
  const row = await db.selectFrom('handoffs').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toHandoff(row, now) : null;
}
