import type { TestProject } from 'vitest/node';
import { prepareTestServer } from './database.ts';
import { startDovecot } from './dovecot.ts';
import './mail.ts';
import './use-database.ts';

/**
 * Vitest global setup: one PostgreSQL and one migrated template for the whole run, and one
 * Dovecot whose mailboxes tests create by name. A missing Dovecot fails only the tests that need
 * it, with the reason.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await prepareTestServer();
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', server.template);
  const mail = await startDovecot().catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
  project.provide('mailServer', 'error' in mail ? mail : { host: mail.host, imapPort: mail.imapPort, lmtpPort: mail.lmtpPort });
  return async () => {
    if (!('error' in mail)) await mail.stop();
    await server.close();
  };
}
