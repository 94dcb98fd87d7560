import { createHash } from 'node:crypto';
import { CentralitaError } from '@centralita/core';
import type { Kysely, Selectable } from 'kysely';
import type { AttachmentsTable, Database } from '../schema.ts';

/**
 * Where attachment bytes live. The default keeps them in PostgreSQL so every node can serve any
 * file; an object store can take its place behind the same three calls. Keys are content hashes,
 * so storing the same bytes twice (a redelivered email) is harmless.
 */
export interface AttachmentStorage {
  put(workspaceId: string, key: string, data: Uint8Array): Promise<void>;
  get(workspaceId: string, key: string): Promise<Buffer | null>;
  /** Forgets bytes nothing refers to any more (an upload that was never sent). Optional: a store without it keeps them. */
  delete?(workspaceId: string, key: string): Promise<void>;
}

/** The storage key of some bytes: their SHA-256, so equal content is stored once. */
export function attachmentKey(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Attachments kept in the `attachment_blobs` table. */
export function postgresAttachmentStorage(db: Kysely<Database>): AttachmentStorage {
  return {
    async put(workspaceId, key, data) {
      await db
        .insertInto('attachment_blobs')
        .values({ workspace_id: workspaceId, key, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })
        .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
        .execute();
    },
    async get(workspaceId, key) {
      const row = await db
        .selectFrom('attachment_blobs')
        .select('data')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.data ?? null;
    },
    async delete(workspaceId, key) {
      await db.deleteFrom('attachment_blobs').where('workspace_id', '=', workspaceId).where('key', '=', key).execute();
    },
  };
}

export interface AttachmentInfo {
  id: string;
  messageId: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  contentId: string | null;
}

export interface StoredAttachment extends AttachmentInfo {
  storageKey: string;
}

function toStoredAttachment(r: Selectable<AttachmentsTable>): StoredAttachment {
  return {
    id: r.id,
    messageId: r.message_id,
    filename: r.filename,
    contentType: r.content_type,
    size: r.size,
    inline: r.inline,
    contentId: r.content_id,
    storageKey: r.storage_key,
  };
}

/** The attachments of some messages, in the order they were received. */
export async function listAttachments(
  db: Kysely<Database>,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<StoredAttachment[]> {
  if (messageIds.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toStoredAttachment);
}

/** One attachment, or null when it does not exist in this workspace. */
export async function findAttachment(db: Kysely<Database>, workspaceId: string, id: string): Promise<StoredAttachment | null> {
  const row = await db
    .selectFrom('attachments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toStoredAttachment(row) : null;
}

/** A file uploaded for a message not sent yet, as `POST /attachments` answers it. */
export interface PendingUpload {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export async function createPendingUpload(
  db: Kysely<Database>,
  u: { workspaceId: string; ownerId: string; filename: string; contentType: string; size: number; storageKey: string; now: Date },
): Promise<PendingUpload> {
  const row = await db
    .insertInto('pending_uploads')
    .values({
      workspace_id: u.workspaceId,
      owner_id: u.ownerId,
      filename: u.filename,
      content_type: u.contentType,
      size: u.size,
      storage_key: u.storageKey,
      created_at: u.now,
    })
    .returning(['id', 'filename', 'content_type', 'size'])
    .executeTakeFirstOrThrow();
  return { id: row.id, filename: row.filename, contentType: row.content_type, size: row.size };
}

/**
 * Moves the owner's pending uploads onto a message, inside the transaction that stores it, keeping
 * their ids. Any id that is not one of this owner's pending uploads in this workspace (unknown,
 * someone else's, already sent) refuses the whole message.
 */
export async function attachPendingUploads(
  db: Kysely<Database>,
  m: { workspaceId: string; ownerId: string | null; messageId: string; ids: readonly string[]; now: Date },
): Promise<AttachmentInfo[]> {
  const ids = [...new Set(m.ids)];
  if (ids.length === 0) return [];
  const owner = m.ownerId;
  const rows = owner
    ? await db
        .deleteFrom('pending_uploads')
        .where('workspace_id', '=', m.workspaceId)
        .where('owner_id', '=', owner)
        .where('id', 'in', ids)
        .returningAll()
        .execute()
    : [];
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    const message = `attachmentIds: ${missing.join(', ')} ${missing.length === 1 ? 'is not a file' : 'are not files'} you uploaded and have not sent yet.`;
    throw new CentralitaError('validation_failed', message, [{ field: 'attachmentIds', message }]);
  }
  // In the order the agent listed them, which is the order the customer sees.
  rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  const stored = await db
    .insertInto('attachments')
    .values(
      rows.map((r, i) => ({
        id: r.id,
        workspace_id: m.workspaceId,
        message_id: m.messageId,
        filename: r.filename,
        content_type: r.content_type,
        size: r.size,
        storage_key: r.storage_key,
        // listAttachments orders by created_at: a millisecond apart keeps the agent's order.
        created_at: new Date(m.now.getTime() + i),
      })),
    )
    .returningAll()
    .execute();
  stored.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
  return stored.map((r) => {
    const { storageKey: _key, ...info } = toStoredAttachment(r);
    return info;
  });
}

/**
 * Deletes uploads never sent that were made before `before`, and answers the storage keys no
 * attachment and no other pending upload uses any more, for the storage to forget.
 */
export async function purgePendingUploads(db: Kysely<Database>, before: Date): Promise<{ workspaceId: string; key: string }[]> {
  const gone = await db.deleteFrom('pending_uploads').where('created_at', '<', before).returning(['workspace_id', 'storage_key']).execute();
  const unused: { workspaceId: string; key: string }[] = [];
  const seen = new Set<string>();
  for (const g of gone) {
    const id = `${g.workspace_id} ${g.storage_key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const [used, pending] = await Promise.all([
      db
        .selectFrom('attachments')
        .select('id')
        .where('workspace_id', '=', g.workspace_id)
        .where('storage_key', '=', g.storage_key)
        .executeTakeFirst(),
      db
        .selectFrom('pending_uploads')
        .select('id')
        .where('workspace_id', '=', g.workspace_id)
        .where('storage_key', '=', g.storage_key)
        .executeTakeFirst(),
    ]);
    if (!used && !pending) unused.push({ workspaceId: g.workspace_id, key: g.storage_key });
  }
  return unused;
}
