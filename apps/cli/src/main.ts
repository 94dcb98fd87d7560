import { parseArgs } from 'node:util';
import { readEnv } from '@centralita/server';
import { channelsCommand, createWorkspaceCommand, migrateCommand, seedDemoCommand, startCommand } from './commands.ts';

const HELP = `centralita <command> [options]

Commands:
  start [--demo] [--port N]    migrate, then serve the API, webhooks and sockets
  migrate                      bring the database schema up to date
  seed-demo                    create the demo workspace, users and conversations
  create-workspace --slug S --name N --admin-email E [--admin-name A]
                               a workspace and its first admin (password shown once)
  channels                     installed channel kinds and configured accounts

Settings come from the environment: DATABASE_URL (default: an embedded PostgreSQL under
.centralita/), CENTRALITA_SECRET_KEY, CENTRALITA_BOOTSTRAP_TOKEN, CENTRALITA_DEMO, PORT, HOST,
PUBLIC_URL, LOG_LEVEL. See docs/operations.md.`;

/** Runs one CLI command; only this entry point reads process.env. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      slug: { type: 'string' },
      name: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-name': { type: 'string', default: 'Admin' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const env = readEnv({ ...process.env, ...(values.port ? { PORT: values.port } : {}) });
  switch (command) {
    case 'start': {
      // CENTRALITA_DEMO=0 switches demo mode off even when the start script asks for it.
      const demo = process.env.CENTRALITA_DEMO !== undefined ? env.CENTRALITA_DEMO : values.demo;
      return startCommand(env, { demo });
    }
    case 'migrate':
      return migrateCommand(env);
    case 'seed-demo':
      return seedDemoCommand(env);
    case 'channels':
      return channelsCommand(env);
    case 'create-workspace': {
      if (!values.slug || !values.name || !values['admin-email'])
        throw new Error('create-workspace needs --slug, --name and --admin-email');
      return createWorkspaceCommand(env, {
        slug: values.slug,
        name: values.name,
        adminEmail: values['admin-email'],
        adminName: values['admin-name'] ?? 'Admin',
      });
    }
    default:
      process.stdout.write(`${HELP}\n`);
      if (command && command !== 'help' && !values.help) process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`centralita: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
