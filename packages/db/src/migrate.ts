import { runMigrations } from 'graphile-worker';
import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './connect.ts';
import * as m0001 from './migrations/0001-initial.ts';
import * as m0002 from './migrations/0002-socket-io-attachments.ts';
import * as m0003 from './migrations/0003-message-parts.ts';
import * as m0004 from './migrations/0004-routing.ts';
import * as m0005 from './migrations/0005-email.ts';
import * as m0006 from './migrations/0006-console.ts';
import * as m0007 from './migrations/0007-send-progress.ts';
import * as m0008 from './migrations/0008-channel-account-state.ts';
import * as m0009 from './migrations/0009-claim-batch.ts';
import * as m0010 from './migrations/0010-console-state.ts';
import * as m0011 from './migrations/0011-pending-uploads.ts';
import * as m0012 from './migrations/0012-usage-ledger.ts';
import * as m0013 from './migrations/0013-saved-searches.ts';
import * as m0014 from './migrations/0014-whatsapp.ts';
import * as m0015 from './migrations/0015-conversation-identities.ts';
import * as m0016 from './migrations/0016-contact-merges.ts';
import * as m0017 from './migrations/0017-handoffs.ts';
import * as m0018 from './migrations/0018-privacy.ts';
import * as m0019 from './migrations/0019-incidents.ts';

/** Migrations in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-socket-io-attachments': m0002,
  '0003-message-parts': m0003,
  '0004-routing': m0004,
  '0005-email': m0005,
  '0006-console': m0006,
  '0007-send-progress': m0007,
  '0008-channel-account-state': m0008,
  '0009-claim-batch': m0009,
  '0010-console-state': m0010,
  '0011-pending-uploads': m0011,
  '0012-usage-ledger': m0012,
  '0013-saved-searches': m0013,
  '0014-whatsapp': m0014,
  '0015-conversation-identities': m0015,
  '0016-contact-merges': m0016,
  '0017-handoffs': m0017,
  '0018-privacy': m0018,
  '0019-incidents': m0019,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export interface MigrateResult {
  applied: string[];
}

/**
 * Brings the schema (ours and the job queue's) up to date. Safe to run from several processes at
 * once: Kysely takes a lock while migrating and graphile-worker detects a concurrent migration.
 */
export async function migrate(db: Db): Promise<MigrateResult> {
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await runMigrations({ pgPool: db.pool });
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
