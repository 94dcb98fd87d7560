import { waitFor } from '@centralita/channel-kit/conformance';
import { call, createFixture, type Fixture } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ConsoleTest } from './browser.ts';

/** A workspace of its own per test, so rows other tests posted never shift this one's list. */
export async function workspace(c: ConsoleTest): Promise<Fixture> {
  return createFixture(c.server);
}

/** A customer writes through the web form; answers the new conversation's id. */
export async function postForm(
  c: ConsoleTest,
  f: Fixture,
  body: { name: string; email: string; message: string; subject?: string },
): Promise<string> {
  const res = await call(c.url, 'POST', `/webhooks/${f.formAccountId}`, { body });
  expect(res.status, res.text).toBe(201);
  const row = await waitFor(() =>
    c.server.db.current.db.kysely
      .selectFrom('conversations as c')
      .innerJoin('identities as i', 'i.contact_id', 'c.contact_id')
      .select('c.id')
      .where('c.workspace_id', '=', f.workspaceId)
      .where('i.external_id', '=', body.email)
      .executeTakeFirst(),
  );
  return row.id;
}

/** As the workspace's admin, through the API. */
export async function api(c: ConsoleTest, f: Fixture, method: string, path: string, body?: unknown) {
  const res = await call(c.url, method, `/api/v1${path}`, { token: f.adminToken, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.json;
}

/** The names on the list's rows, top to bottom. */
export async function rowNames(page: Page): Promise<string[]> {
  return page.getByTestId('conversation-row').getByTestId('row-name').allTextContents();
}

export function row(page: Page, name: string) {
  return page.getByTestId('conversation-row').filter({ has: page.getByTestId('row-name').getByText(name, { exact: true }) });
}
