import { createHash } from 'node:crypto';
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
