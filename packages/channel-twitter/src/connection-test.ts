import type { ConnectionCheck, ConnectionReport } from '@centralita/channel-kit';
import { classify, createClients } from './client.ts';
import type { TwitterConfig } from './config.ts';

/**
 * Tries an account's settings step by step, so a wrong address reads differently from a wrong
 * token: the API answers, the brand's user token works (and who it is), the app's bearer token
 * can manage webhooks, and the configured handle matches the token. Reads nothing billable
 * beyond the user lookup.
 */
export async function testConnection(config: TwitterConfig): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  const { user, app } = createClients(config);
  let brand: { id: string; username: string } | null = null;
  try {
    const me = await user.v2.me();
    brand = { id: me.data.id, username: me.data.username };
    checks.push({ name: 'api', ok: true, detail: `${config.apiUrl} answered over TLS.` });
    checks.push({ name: 'user token', ok: true, detail: `The access token belongs to @${brand.username} (user id ${brand.id}).` });
  } catch (err) {
    const failure = classify(err);
    if (failure.status === null) {
      checks.push({ name: 'api', ok: false, detail: `${config.apiUrl} could not be reached: ${failure.detail}` });
    } else {
      checks.push({ name: 'api', ok: true, detail: `${config.apiUrl} answered.` });
      checks.push({
        name: 'user token',
        ok: false,
        detail: explain(failure.kind, failure.status, failure.detail, 'the API key and access token'),
      });
    }
  }
  if (brand && config.brandUserId && config.brandUserId !== brand.id) {
    checks.push({
      name: 'brand',
      ok: false,
      detail: `The account is set up for user id ${config.brandUserId}, but the token is @${brand.username}'s (${brand.id}).`,
    });
  } else if (brand && config.brandUsername && config.brandUsername.toLowerCase() !== brand.username.toLowerCase()) {
    // The handle is what a post's typed text is matched against: a wrong one makes every mention
    // look unsummoned (no public reply allowed) and lets saved searches find the brand's own posts.
    checks.push({
      name: 'brand',
      ok: false,
      detail: `The account is set up for @${config.brandUsername}, but the token is @${brand.username}'s (${brand.id}).`,
    });
  }
  if (config.webhook) {
    if (!app) {
      checks.push({ name: 'bearer token', ok: false, detail: 'The webhook needs the app’s bearer token.' });
    } else {
      try {
        await app.v2.get('webhooks');
        checks.push({ name: 'bearer token', ok: true, detail: 'The app’s bearer token can manage webhooks.' });
      } catch (err) {
        const failure = classify(err);
        checks.push({ name: 'bearer token', ok: false, detail: explain(failure.kind, failure.status, failure.detail, 'the bearer token') });
      }
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function explain(kind: string, status: number | null, detail: string, what: string): string {
  if (kind === 'unauthorized') return `X refused ${what} (401): check that they belong to this app and were not regenerated. ${detail}`;
  if (kind === 'no_credits') return `X answered 402: the app is out of credits. ${detail}`;
  if (kind === 'usage_cap') return `X's monthly usage cap is reached. ${detail}`;
  return `X answered ${status ?? 'nothing'}: ${detail}`;
}
