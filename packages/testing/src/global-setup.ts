import type { TestProject } from 'vitest/node';
import { prepareTestServer } from './database.ts';
import './use-database.ts';

/** Vitest global setup: one PostgreSQL and one migrated template for the whole run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await prepareTestServer();
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', server.template);
  return () => server.close();
}
