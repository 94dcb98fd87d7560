import { randomBytes } from 'node:crypto';
import { escapeHtml, findHandoffCodes } from '@centralita/core';
import { hitRateLimit } from '@centralita/db';
import type { Router } from 'express';
import type { AppContext } from '../context.ts';

/** Short links one address may open a minute: plenty for a customer, nothing for a guesser. */
const LINKS_PER_MINUTE = 30;

/**
 * The short link a handoff posts (`/h/REF-…`): it sends the customer on to WhatsApp's wa.me link
 * or X's DM compose link with the code prefilled. Ours rather than theirs in the post, because it
 * knows when the code expired (and says so, while still letting the customer write) and because
 * a post then carries no phone number.
 */
export function registerHandoffLinkRoutes(router: Router, ctx: AppContext): void {
  router.get('/h/:code', async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-robots-tag', 'noindex');
    // Codes are too many to guess, and trying them is throttled per address all the same.
    const hits = await hitRateLimit(ctx.db.kysely, `handoff-link:${req.ip ?? 'unknown'}`, 60_000, ctx.clock(), null);
    if (hits > LINKS_PER_MINUTE) {
      res.setHeader('retry-after', '60');
      page(res, 429, 'Too many links', '<p>Wait a minute and open the link again.</p>');
      return;
    }
    const [code] = findHandoffCodes(req.params.code ?? '');
    const row = code
      ? await ctx.db.kysely
          .selectFrom('handoffs')
          .select(['link', 'expires_at'])
          .where('code', '=', code)
          .where('link', 'is not', null)
          .orderBy('created_at', 'desc')
          .executeTakeFirst()
      : undefined;
    if (!row?.link) {
      page(res, 404, 'This link is unknown', '<p>Check the link, or write to us on any of our channels.</p>');
      return;
    }
    if (row.expires_at > ctx.clock()) {
      res.redirect(302, row.link);
      return;
    }
    page(
      res,
      410,
      'This link has expired',
      `<p>The reference in it is no longer valid, but you can still write to us: we will find your earlier conversation.</p>
<p><a href="${escapeHtml(row.link)}">Write to us anyway</a></p>`,
    );
  });
}

function page(res: import('express').Response, status: number, title: string, body: string): void {
  const nonce = randomBytes(16).toString('base64');
  res.setHeader('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`);
  res
    .status(status)
    .type('html')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; } a { color: #0b57d0; }</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
}
