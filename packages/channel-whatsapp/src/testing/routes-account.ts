import { type Answer, error, json, type RouteContext, type Routed, unknownObject } from './route-kit.ts';
import type { PeerPhoneNumber } from './state.ts';

function phoneFields(p: PeerPhoneNumber): Record<string, unknown> {
  return {
    verified_name: p.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: p.displayPhoneNumber,
    quality_rating: p.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: 'STANDARD' },
    id: p.id,
  };
}

/** Graph answers only the fields asked for (and always the id) when `fields` is given. */
function only(fields: string | null, all: Record<string, unknown>): Record<string, unknown> {
  if (!fields) return all;
  const wanted = new Set(fields.split(',').map((f) => f.trim()));
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'id' || wanted.has(k)));
}

function templates(ctx: RouteContext, url: URL): Answer {
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? ctx.templatePageSize) || ctx.templatePageSize, 1), 1000);
  const after = url.searchParams.get('after');
  let start = 0;
  if (after) {
    start = Number(Buffer.from(after, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) return error({ code: 100, details: `Invalid cursor: ${after}` });
  }
  const all = ctx.state.templates;
  const data = all.slice(start, start + limit);
  const cursor = (i: number) => Buffer.from(String(i)).toString('base64url');
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + data.length) } };
  if (start + data.length < all.length) {
    const next = new URL(url.pathname, ctx.baseUrl());
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('after', cursor(start + data.length));
    paging.next = next.toString();
  }
  return json(200, { data: structuredClone(data), paging });
}

function parseForm(raw: Buffer, contentType: string): Record<string, string> | null {
  const text = raw.toString('utf8');
  if (text.trim() === '') return {};
  if (contentType.includes('application/json')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    } catch {
      return null;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

async function subscribe(ctx: RouteContext, raw: Buffer, contentType: string): Promise<Answer> {
  const form = parseForm(raw, contentType);
  if (form === null) return error({ code: 100, details: 'The request body is not valid JSON' });
  const callbackUrl = form.override_callback_uri ?? null;
  const verifyToken = form.verify_token ?? null;
  if (callbackUrl !== null) {
    if (verifyToken === null) return error({ code: 100, title: 'The parameter verify_token is required with override_callback_uri.' });
    const check = await ctx.verifyCallback(callbackUrl, verifyToken);
    if (!check.verified) {
      const why =
        check.status === null
          ? `Couldn't connect to server (${check.error ?? 'no answer'})`
          : `HTTP Status Code = ${check.status}; HTTP Message = ${check.body.slice(0, 60)}`;
      return error({ code: 2200, title: `Callback verification failed with the following errors: ${why}` });
    }
  }
  ctx.state.subscribedApps.push({ wabaId: ctx.wabaId, callbackUrl, verifyToken, at: ctx.state.now() });
  return json(200, { success: true });
}

function subscriptions(ctx: RouteContext): Answer {
  const last = ctx.state.subscribedApps.at(-1);
  if (!last) return json(200, { data: [] });
  const app: Record<string, unknown> = {
    whatsapp_business_api_data: { id: ctx.appId, link: 'https://centralita.example/', name: 'Centralita' },
  };
  if (last.callbackUrl) app.override_callback_uri = last.callbackUrl;
  return json(200, { data: [app] });
}

/** The WhatsApp Business account and its phone numbers: templates, subscriptions, number details. */
export function accountRoutes(ctx: RouteContext, method: string, rest: string[], url: URL): Routed | null {
  const [id, edge] = rest;
  if (!id || rest.length > 2) return null;
  if (rest.length === 1 && method === 'GET') {
    const number = ctx.state.phoneNumber(id);
    if (number) return { route: 'phone_number', handle: () => json(200, only(url.searchParams.get('fields'), phoneFields(number))) };
    if (id === ctx.wabaId)
      return {
        route: 'phone_number',
        handle: () =>
          json(200, { id, name: 'Acme', currency: 'EUR', timezone_id: '68', message_template_namespace: 'c3b4f5a6_peer_namespace' }),
      };
    return { route: 'media', handle: () => unknownObject('GET', id) };
  }
  if (id !== ctx.wabaId)
    return edge ? { route: edge === 'message_templates' ? 'templates' : 'subscribed_apps', handle: () => unknownObject(method, id) } : null;
  if (edge === 'message_templates' && method === 'GET') return { route: 'templates', handle: () => templates(ctx, url) };
  if (edge === 'phone_numbers' && method === 'GET')
    return { route: 'phone_number', handle: () => json(200, { data: ctx.state.phoneNumbers.map(phoneFields) }) };
  if (edge === 'subscribed_apps') {
    if (method === 'POST') return { route: 'subscribed_apps', handle: (body, type) => subscribe(ctx, body, type) };
    if (method === 'GET') return { route: 'subscribed_apps', handle: () => subscriptions(ctx) };
    if (method === 'DELETE') return { route: 'subscribed_apps', handle: () => json(200, { success: true }) };
  }
  return null;
}
