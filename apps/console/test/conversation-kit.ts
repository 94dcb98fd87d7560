import { call } from '@centralita/server/test-harness';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ConsoleTest } from './browser.ts';

// What the conversation, composer and contact tests share: a customer writing through the web
// form, and an agent opening that conversation at its own address.

export interface Posted {
  id: string;
  link: string;
}

let n = 0;

/** A web-form submission, as a customer sends it; answers the conversation and the customer's page. */
export async function postForm(
  c: ConsoleTest,
  body: { name?: string; email?: string; subject?: string; message: string } = { message: 'Hola' },
): Promise<Posted> {
  n += 1;
  const res = await call(c.url, 'POST', `/webhooks/${c.f.formAccountId}`, {
    body: { name: 'Ana García', email: `ana${n}@example.com`, ...body },
  });
  expect(res.status, res.text).toBe(201);
  const json = res.json as { conversationId: string; conversationLink: string };
  return { id: json.conversationId, link: json.conversationLink };
}

/** The customer writes again on their conversation page (/c/<token>). */
export async function customerWrites(c: ConsoleTest, link: string, text: string): Promise<void> {
  const res = await call(c.url, 'POST', `${new URL(link).pathname}/messages`, { body: { text } });
  expect(res.status, res.text).toBe(201);
}

/** Opens the conversation at its address and waits for its title. */
export async function openConversation(c: ConsoleTest, page: Page, id: string): Promise<void> {
  await page.goto(`${c.url}/inbox/all/${id}`);
  await page.getByTestId('conversation-title').waitFor();
}

export const admin = (c: ConsoleTest) => ({ token: c.f.adminToken });

/** Waits for the open drawer or modal to finish sliding in, so a screenshot shows it in place. */
export async function settled(page: Page): Promise<void> {
  await page
    .getByRole('dialog')
    .last()
    .evaluate((el) => Promise.all(el.ownerDocument.getAnimations().map((a) => a.finished)));
}
