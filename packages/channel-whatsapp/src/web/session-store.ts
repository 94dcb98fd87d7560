import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AccountStore } from '@centralita/channel-kit';

/**
 * The store whatsapp-web.js's `RemoteAuth` keeps a linked-device session in. RemoteAuth zips the
 * Chromium profile's session folders to `<dataPath>/<session>.zip` and calls `save`; on the next
 * start it calls `extract` to get the zip back and unpacks it. Here the bytes live in the host's
 * account store (PostgreSQL), so the session follows the account's single-owner lock to whichever
 * node runs it and survives restarts; nothing is kept on the node's disk between runs.
 */
export interface RemoteAuthStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  /** Copies `<dataPath>/<session>.zip` into the host's store. */
  save(options: { session: string }): Promise<void>;
  /** Writes the stored archive to `path`. */
  extract(options: { session: string; path: string }): Promise<void>;
  delete(options: { session: string }): Promise<void>;
}

/** The account store's blob key of a session archive. */
export const SESSION_BLOB_PREFIX = 'web-session:';

/** The largest blob the host keeps (`AccountStore.putBlob`). */
export const MAX_SESSION_BYTES = 64 * 1024 * 1024;

/** Where this node unpacks accounts' sessions: the OS temp dir, never the working directory. */
export const DEFAULT_DATA_ROOT = path.join(os.tmpdir(), 'centralita-whatsapp');

/** The account id as whatsapp-web.js accepts a `clientId`: letters, digits, `-` and `_`. */
export function safeClientId(accountId: string): string {
  const safe = accountId.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe.length > 0 ? safe : 'account';
}

/** The session name RemoteAuth gives a client id, which it passes to the store. */
export function sessionName(clientId: string): string {
  return `RemoteAuth-${clientId}`;
}

/** One account's scratch directory under `root`. */
export function sessionDataPath(accountId: string, root: string = DEFAULT_DATA_ROOT): string {
  return path.join(root, safeClientId(accountId));
}

/** The store for one account: its blobs in `store`, its archives passing through `dataPath`. */
export function createSessionStore(store: AccountStore, dataPath: string): RemoteAuthStore {
  const key = (session: string) => `${SESSION_BLOB_PREFIX}${checked(session)}`;
  return {
    async sessionExists({ session }) {
      return (await store.getBlob(key(session))) !== null;
    },
    async save({ session }) {
      const file = path.join(dataPath, `${checked(session)}.zip`);
      const bytes = await readFile(file);
      if (bytes.byteLength > MAX_SESSION_BYTES) {
        throw new Error(
          `The WhatsApp Web session archive is ${mib(bytes.byteLength)}, over the ${mib(MAX_SESSION_BYTES)} the host keeps; the previous copy stays.`,
        );
      }
      await store.putBlob(key(session), new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
    async extract({ session, path: target }) {
      const bytes = await store.getBlob(key(session));
      if (!bytes) throw new Error(`No WhatsApp Web session is stored for ${session}.`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    },
    async delete({ session }) {
      await store.deleteBlob(key(session));
    },
  };
}

/** Removes an account's scratch directory (the unpacked profile holds the session's keys). */
export async function removeDataPath(dataPath: string): Promise<void> {
  await rm(dataPath, { recursive: true, force: true, maxRetries: 3 });
}

/** A session name is used in a file name: nothing that could leave `dataPath`. */
function checked(session: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(session)) throw new Error(`Invalid WhatsApp Web session name: ${JSON.stringify(session)}`);
  return session;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
