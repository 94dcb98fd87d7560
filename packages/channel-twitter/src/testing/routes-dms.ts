import { type Answer, objectBody, ok, type RequestContext, type RouteDef } from './core.ts';
import { dmIncludes, isProblem, projectDm, readSelection } from './fields.ts';
import { decodeToken, maxResults, page } from './paging.ts';
import { problems } from './problems.ts';
import type { XDmEvent } from './state.ts';

const THIRTY_DAYS = 30 * 24 * 60 * 60 * 1000;
const EVENT_TYPES = new Set(['MessageCreate', 'ParticipantsJoin', 'ParticipantsLeave']);

/** The brand's DM events (X keeps 30 days), newest first, with X's paging and expansions. */
function dmList(ctx: RequestContext, filter: (e: XDmEvent) => boolean): Answer {
  const sel = readSelection(ctx.query, 'dm');
  if (isProblem(sel)) return sel;
  const types = (ctx.query.get('event_types') ?? '').split(',').filter(Boolean);
  const badType = types.find((t) => !EVENT_TYPES.has(t));
  if (badType)
    return problems.invalidRequest(
      `The \`event_types\` query parameter value [${badType}] is not one of [${[...EVENT_TYPES].join(',')}]`,
      'event_types',
      badType,
    );
  const max = maxResults(ctx.query, 1, 100, 100);
  if (typeof max === 'string') return problems.invalidRequest(max, 'max_results', ctx.query.get('max_results') ?? '');
  const token = ctx.query.get('pagination_token') ?? undefined;
  if (token !== undefined && !decodeToken(token))
    return problems.invalidRequest(`The \`pagination_token\` query parameter value [${token}] is not valid`, 'pagination_token', token);
  const { state, brand, usage } = ctx.core;
  const since = ctx.core.now().getTime() - THIRTY_DAYS;
  const all = state.dms.filter(
    (e) =>
      e.participant_ids.includes(brand.id) &&
      Date.parse(e.created_at) >= since &&
      (!types.length || types.includes(e.event_type)) &&
      filter(e),
  );
  const result = page(all, { max, ...(token ? { token } : {}) });
  const expanded = dmIncludes(state, result.items, sel);
  usage.read(
    'dmEvent',
    result.items.map((e) => e.id),
  );
  usage.read(
    'user',
    expanded.users.map((u) => u.id),
  );
  return ok({
    ...(result.items.length ? { data: result.items.map((e) => projectDm(e, sel.dm)) } : {}),
    ...(expanded.includes ? { includes: expanded.includes } : {}),
    meta: { result_count: result.items.length, ...(result.nextToken ? { next_token: result.nextToken } : {}) },
  });
}

function sendDm(ctx: RequestContext): Answer {
  const { state, brand, usage } = ctx.core;
  const participant = ctx.params.participant_id ?? '';
  const recipient = state.users.get(participant);
  if (!recipient || recipient.id === brand.id) {
    return problems.invalidRequest(
      `The \`participant_id\` path parameter value [${participant}] is not a user you can message`,
      'participant_id',
      participant,
    );
  }
  const text = objectBody(ctx.body)?.text;
  if (typeof text !== 'string' || !text.trim())
    return problems.invalidRequest('You must specify a text or attachments for the message', 'text');
  if (text.length > 10_000) return problems.invalidRequest('The message text is longer than 10000 characters', 'text');
  if (!recipient.acceptsDms) return problems.dmNotAllowed();
  const event = state.createDm(brand, recipient, text);
  state.sent.push({ event, recipientId: recipient.id });
  usage.created('dm');
  return ok({ data: { dm_conversation_id: event.dm_conversation_id, dm_event_id: event.id } }, 201);
}

const DM_PARAMS = [
  'dm_event.fields',
  'event_types',
  'expansions',
  'max_results',
  'pagination_token',
  'media.fields',
  'tweet.fields',
  'user.fields',
];

export const dmRoutes: RouteDef[] = [
  { route: 'GET /2/dm_events', auth: 'user', query: DM_PARAMS, handle: (ctx) => dmList(ctx, () => true) },
  {
    route: 'GET /2/dm_conversations/with/:participant_id/dm_events',
    auth: 'user',
    query: DM_PARAMS,
    handle: (ctx) => dmList(ctx, (e) => e.participant_ids.includes(ctx.params.participant_id ?? '')),
  },
  { route: 'POST /2/dm_conversations/with/:participant_id/messages', auth: 'user', query: [], handle: sendDm },
];
