import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createMemoryContext, createMemoryStore } from '@centralita/channel-kit/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRemoteAuth, loadWhatsAppWeb, type RemoteAuthClass } from './real-client.ts';
import { createSessionStore, SESSION_BLOB_PREFIX, safeClientId, sessionDataPath, sessionName } from './session-store.ts';

// The session archive is what saves an administrator from scanning a QR code again after a
// restart or when the account moves to another node. These tests drive whatsapp-web.js's own
// RemoteAuth (its real zip and unzip) against the store, with the in-memory account store in
// place of PostgreSQL.
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'wa-session-test-'));
  dirs.push(d);
  return d;
}

/** RemoteAuth as the connection builds it, set up the way `Client` sets it up before launching Chromium. */
async function remoteAuth(store: ReturnType<typeof createMemoryStore>, dataPath: string, clientId: string) {
  const lib = await loadWhatsAppWeb();
  const ctx = createMemoryContext({ store });
  const Auth = guardRemoteAuth(lib.RemoteAuth as unknown as RemoteAuthClass, ctx.logger);
  const auth = new Auth({ store: createSessionStore(store, dataPath), clientId, dataPath, backupSyncIntervalMs: 60_000 });
  const emitted: string[] = [];
  auth.setup({ options: { puppeteer: {} }, emit: (event: string) => emitted.push(event) });
  await auth.beforeBrowserInitialized();
  return { auth, emitted, ctx, profile: auth.userDataDir as string };
}

describe('the WhatsApp Web session store', () => {
  it('keeps a linked session in the account store, so a restart on another node restores the same profile', async () => {
    const store = createMemoryStore();
    const clientId = safeClientId('00000000-0000-4000-8000-000000000001');
    const nodeA = await scratch();
    const first = await remoteAuth(store, nodeA, clientId);
    // What Chromium leaves in its profile once the phone linked it.
    await mkdir(path.join(first.profile, 'Default', 'IndexedDB'), { recursive: true });
    await mkdir(path.join(first.profile, 'Default', 'Local Storage'), { recursive: true });
    await writeFile(path.join(first.profile, 'Default', 'IndexedDB', 'wawc.ldb'), 'signal keys');
    await writeFile(path.join(first.profile, 'Default', 'Local Storage', 'leveldb.log'), 'last-wid');
    await writeFile(path.join(first.profile, 'Default', 'Cache'), 'not part of a session');
    await first.auth.storeRemoteSession({ emit: true });
    expect(first.emitted).toContain('remote_session_saved');

    const blob = await store.getBlob(`${SESSION_BLOB_PREFIX}${sessionName(clientId)}`);
    expect(blob, 'the archive is in the account store').not.toBeNull();
    expect(
      Buffer.from(blob ?? [])
        .subarray(0, 4)
        .toString('latin1'),
    ).toBe('PK\u0003\u0004');

    // Another node: nothing on its disk, the same account store.
    const nodeB = await scratch();
    const second = await remoteAuth(store, nodeB, clientId);
    expect(await readFile(path.join(second.profile, 'Default', 'IndexedDB', 'wawc.ldb'), 'utf8')).toBe('signal keys');
    expect(await readFile(path.join(second.profile, 'Default', 'Local Storage', 'leveldb.log'), 'utf8')).toBe('last-wid');
    await expect(readFile(path.join(second.profile, 'Default', 'Cache'))).rejects.toThrow();
    // The zip it was unpacked from does not linger next to the profile.
    await expect(readFile(path.join(nodeB, `${sessionName(clientId)}.zip`))).rejects.toThrow();
  });

  it('starts an empty profile when nothing is stored, and after a delete', async () => {
    const store = createMemoryStore();
    const dataPath = await scratch();
    const sessions = createSessionStore(store, dataPath);
    expect(await sessions.sessionExists({ session: 'RemoteAuth-a' })).toBe(false);
    await writeFile(path.join(dataPath, 'RemoteAuth-a.zip'), Buffer.from('PK\u0003\u0004 bytes'));
    await sessions.save({ session: 'RemoteAuth-a' });
    expect(await sessions.sessionExists({ session: 'RemoteAuth-a' })).toBe(true);

    const target = path.join(dataPath, 'restore', 'RemoteAuth-a.zip');
    await sessions.extract({ session: 'RemoteAuth-a', path: target });
    expect((await readFile(target)).toString('latin1')).toBe('PK\u0003\u0004 bytes');

    await sessions.delete({ session: 'RemoteAuth-a' });
    expect(await sessions.sessionExists({ session: 'RemoteAuth-a' })).toBe(false);
    const fresh = await remoteAuth(store, await scratch(), 'a');
    expect(await readFile(path.join(fresh.profile, 'Default')).catch((e: NodeJS.ErrnoException) => e.code)).toBe('ENOENT');
  });

  it('logs a failed backup instead of crashing the process, and keeps the previous copy', async () => {
    const store = createMemoryStore();
    const dataPath = await scratch();
    const { auth, ctx, profile } = await remoteAuth(store, dataPath, 'b');
    await mkdir(path.join(profile, 'Default', 'IndexedDB'), { recursive: true });
    await writeFile(path.join(profile, 'Default', 'IndexedDB', 'k'), 'first');
    await auth.storeRemoteSession();
    const before = await store.getBlob(`${SESSION_BLOB_PREFIX}RemoteAuth-b`);
    // The database goes away between two backups.
    store.putBlob = async () => {
      throw new Error('connection to PostgreSQL lost');
    };
    await writeFile(path.join(profile, 'Default', 'IndexedDB', 'k'), 'second');
    await expect(auth.storeRemoteSession()).resolves.toBeUndefined();
    expect(ctx.logs.some((l) => l.level === 'error' && JSON.stringify(l.obj).includes('connection to PostgreSQL lost'))).toBe(true);
    expect(await store.getBlob(`${SESSION_BLOB_PREFIX}RemoteAuth-b`)).toEqual(before);
  });

  it('saves nothing once the client is destroyed, and keeps the session through an unexpected disconnect', async () => {
    const store = createMemoryStore();
    const { auth, profile } = await remoteAuth(store, await scratch(), 'c');
    await mkdir(path.join(profile, 'Default', 'IndexedDB'), { recursive: true });
    await auth.storeRemoteSession();
    // A state such as CONFLICT makes the library call disconnect: the stored link stays.
    await auth.disconnect();
    expect(await store.getBlob(`${SESSION_BLOB_PREFIX}RemoteAuth-c`)).not.toBeNull();
    await store.deleteBlob(`${SESSION_BLOB_PREFIX}RemoteAuth-c`);
    await auth.destroy();
    await mkdir(path.join(profile, 'Default', 'IndexedDB'), { recursive: true });
    await auth.storeRemoteSession();
    expect(await store.getBlob(`${SESSION_BLOB_PREFIX}RemoteAuth-c`)).toBeNull();
  });

  it('schedules no backups for a client destroyed while the library waited to make its first', async () => {
    const store = createMemoryStore();
    const { auth } = await remoteAuth(store, await scratch(), 'd');
    // The library waits a minute before the first backup of a new session; here until we say.
    let waited: () => void = () => {};
    const wait = new Promise<void>((r) => {
      waited = r;
    });
    (auth as unknown as { delay(ms: number): Promise<void> }).delay = () => wait;
    const ready = auth.afterAuthReady();
    await auth.destroy();
    waited();
    await ready;
    const timer = auth.backupSync as unknown as { _destroyed?: boolean } | undefined;
    expect(timer === undefined || timer._destroyed === true, 'no backup timer outlives the client').toBe(true);
  });

  it('refuses session names that would leave its directory, and keeps data under the OS temp dir', async () => {
    const sessions = createSessionStore(createMemoryStore(), await scratch());
    await expect(sessions.save({ session: '../../etc/passwd' })).rejects.toThrow(/Invalid WhatsApp Web session name/);
    expect(safeClientId('acc/1 é')).toBe('acc_1__');
    expect(sessionDataPath('acc-1').startsWith(os.tmpdir())).toBe(true);
  });
});
