import { createRequire } from 'node:module';
import { type Answer, objectBody, ok, POST_FIELD_PARAMS, type RequestContext, type RouteDef, TIMELINE_PARAMS } from './core.ts';
import { isProblem, postIncludes, projectPost, projectUser, readSelection, type Selection } from './fields.ts';
import { decodeToken, maxResults, page } from './paging.ts';
import { type ProblemAnswer, problems, resourceNotFound } from './problems.ts';
import { matches, parseQuery, QueryError } from './search-query.ts';
import { canonicalText, compareIds, type XPost, type XUser } from './state.ts';

// twitter-text is X's own counting library (CommonJS, no types); only its weighted length is used.
const twitterText = createRequire(import.meta.url)('twitter-text') as { parseTweet(text: string): { weightedLength: number } };

const SEVEN_DAYS = 7 * 24 * 60 * 60 * 1000;
const ID = /^\d{1,19}$/;

function idParam(query: URLSearchParams, name: string): string | undefined | ProblemAnswer {
  const value = query.get(name);
  if (value === null) return undefined;
  return ID.test(value) ? value : problems.invalidRequest(`The \`${name}\` query parameter value [${value}] is not valid`, name, value);
}

/** Answers a list of posts with meta and includes, and records what X would bill for it. */
function postList(ctx: RequestContext, posts: XPost[], nextToken: string | undefined, sel: Selection, owned: boolean): Answer {
  const { usage, state } = ctx.core;
  const expanded = postIncludes(state, posts, sel);
  usage.read(
    owned ? 'ownedPost' : 'post',
    [...posts, ...expanded.posts].map((p) => p.id),
  );
  usage.read(
    'user',
    expanded.users.map((u) => u.id),
  );
  if (!posts.length) return ok({ meta: { result_count: 0 } });
  return ok({
    data: posts.map((p) => projectPost(p, sel.post)),
    ...(expanded.includes ? { includes: expanded.includes } : {}),
    meta: {
      newest_id: posts[0]?.id,
      oldest_id: posts.at(-1)?.id,
      result_count: posts.length,
      ...(nextToken ? { next_token: nextToken } : {}),
    },
  });
}

function timeParam(query: URLSearchParams, name: string): number | undefined | ProblemAnswer {
  const value = query.get(name);
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms)
    ? problems.invalidRequest(`Invalid '${name}':'${value}'. '${name}' must be an RFC 3339 timestamp`, name, value)
    : ms;
}

/** Shared reading of the timeline parameters (ids, times, page size, token) of mentions and search. */
function timelineParams(ctx: RequestContext, bounds: [number, number, number], tokenName: string) {
  const sinceId = idParam(ctx.query, 'since_id');
  if (isProblem(sinceId)) return sinceId;
  const untilId = idParam(ctx.query, 'until_id');
  if (isProblem(untilId)) return untilId;
  const start = timeParam(ctx.query, 'start_time');
  if (isProblem(start)) return start;
  const end = timeParam(ctx.query, 'end_time');
  if (isProblem(end)) return end;
  const max = maxResults(ctx.query, ...bounds);
  if (typeof max === 'string') return problems.invalidRequest(max, 'max_results', ctx.query.get('max_results') ?? '');
  const token = ctx.query.get(tokenName) ?? undefined;
  if (token !== undefined && !decodeToken(token))
    return problems.invalidRequest(`The \`${tokenName}\` query parameter value [${token}] is not valid`, tokenName, token);
  const inTime = (p: XPost) => {
    const t = Date.parse(p.created_at);
    return (start === undefined || t >= start) && (end === undefined || t < end);
  };
  return { sinceId, untilId, max, token, start, inTime };
}

function userAnswer(ctx: RequestContext, user: XUser | undefined, parameter: string, value: string): Answer {
  const sel = readSelection(ctx.query, 'user');
  if (isProblem(sel)) return sel;
  if (!user) {
    // X answers a missing user with 200 and an `errors` entry, not a 404.
    return ok({ errors: [resourceNotFound('user', parameter, value, `Could not find user with ${parameter}: [${value}].`)] });
  }
  ctx.core.usage.read('user', [user.id]);
  return ok({ data: projectUser(user, sel.user) });
}

function postLookup(ctx: RequestContext, ids: string[]): Answer {
  const sel = readSelection(ctx.query, 'post');
  if (isProblem(sel)) return sel;
  const found = ids.map((id) => ctx.core.state.findPost(id)).filter((p): p is XPost => p !== undefined);
  const missing = ids.filter((id) => !found.some((p) => p.id === id));
  const expanded = postIncludes(ctx.core.state, found, sel);
  ctx.core.usage.read(
    'post',
    [...found, ...expanded.posts].map((p) => p.id),
  );
  ctx.core.usage.read(
    'user',
    expanded.users.map((u) => u.id),
  );
  const errors = missing.map((id) => resourceNotFound('tweet', 'id', id, `Could not find tweet with id: [${id}].`));
  return ok({
    ...(found.length
      ? { data: ctx.params.id ? projectPost(found[0] as XPost, sel.post) : found.map((p) => projectPost(p, sel.post)) }
      : {}),
    ...(expanded.includes ? { includes: expanded.includes } : {}),
    ...(errors.length ? { errors } : {}),
  });
}

/** Whether `target` summoned the brand: it @mentions the brand (a reply's leading handle counts) or quotes a brand post. */
function summonsBrand(ctx: RequestContext, target: XPost): boolean {
  const brand = ctx.core.brand.id;
  if (target.author_id === brand) return true;
  if ((target.entities?.mentions ?? []).some((m) => m.id === brand)) return true;
  return (target.referenced_tweets ?? []).some((r) => r.type === 'quoted' && ctx.core.state.findPost(r.id)?.author_id === brand);
}

function createPost(ctx: RequestContext): Answer {
  const body = objectBody(ctx.body);
  const text = body?.text;
  if (typeof text !== 'string' || !text.trim()) return problems.invalidRequest('You must specify a text or media for the post', 'text');
  const reply = objectBody(body?.reply);
  const replyTo = reply?.in_reply_to_tweet_id;
  if (reply && typeof replyTo !== 'string') return problems.invalidRequest('`reply.in_reply_to_tweet_id` is required', 'reply');
  const quote = typeof body?.quote_tweet_id === 'string' ? body.quote_tweet_id : undefined;
  const { state, brand, tier } = ctx.core;
  if (twitterText.parseTweet(text).weightedLength > 280) return problems.textTooLong();
  const target = typeof replyTo === 'string' ? state.findPost(replyTo) : undefined;
  if (typeof replyTo === 'string' && !target) return problems.replyTargetMissing();
  if (quote !== undefined && !state.findPost(quote))
    return problems.invalidRequest(`Could not find the post to quote: [${quote}]`, 'quote_tweet_id', quote);
  const summoned = target ? summonsBrand(ctx, target) : false;
  if (target && tier === 'self_serve' && !summoned) return problems.replyNotSummoned();
  const draft = state.composeFor({ from: brand.id, text, ...(target ? { replyTo: target.id } : {}) });
  const dayAgo = ctx.core.now().getTime() - 24 * 60 * 60 * 1000;
  if (state.posts.some((p) => p.author_id === brand.id && canonicalText(p) === draft && Date.parse(p.created_at) >= dayAgo))
    return problems.duplicateContent();
  const post = state.createPost({ from: brand.id, text, ...(target ? { replyTo: target.id } : {}), ...(quote ? { quote } : {}) });
  const withUrl = Boolean(post.entities?.urls?.length);
  state.created.push({ post, ...(target ? { replyTo: target.id } : {}), summoned: Boolean(target) && summoned, withUrl });
  ctx.core.usage.created('post', { withUrl, summoned: Boolean(target) && summoned });
  return ok({ data: { id: post.id, text: post.text, edit_history_tweet_ids: post.edit_history_tweet_ids } }, 201);
}

const USER_PARAMS = ['user.fields', 'expansions', 'tweet.fields'] as const;

export const postRoutes: RouteDef[] = [
  { route: 'GET /2/users/me', auth: 'user', query: USER_PARAMS, handle: (ctx) => userAnswer(ctx, ctx.core.brand, 'id', ctx.core.brand.id) },
  {
    route: 'GET /2/users/:id',
    auth: 'either',
    query: USER_PARAMS,
    handle: (ctx) => userAnswer(ctx, ctx.core.state.users.get(ctx.params.id ?? ''), 'id', ctx.params.id ?? ''),
  },
  {
    route: 'GET /2/users/by/username/:username',
    auth: 'either',
    query: USER_PARAMS,
    handle: (ctx) => {
      const name = ctx.params.username ?? '';
      const user = ctx.core.state.user(name);
      return userAnswer(ctx, user && user.username.toLowerCase() === name.toLowerCase() ? user : undefined, 'username', name);
    },
  },
  {
    route: 'GET /2/users/:id/mentions',
    auth: 'either',
    query: [...TIMELINE_PARAMS, 'pagination_token'],
    handle: (ctx) => {
      const id = ctx.params.id ?? '';
      if (!ID.test(id)) return problems.invalidRequest(`The \`id\` query parameter value [${id}] is not valid`, 'id', id);
      const sel = readSelection(ctx.query, 'post');
      if (isProblem(sel)) return sel;
      const params = timelineParams(ctx, [5, 100, 10], 'pagination_token');
      if (isProblem(params)) return params;
      const all = ctx.core.state.posts.filter(
        (p) => p.author_id !== id && (p.entities?.mentions ?? []).some((m) => m.id === id) && params.inTime(p),
      );
      const result = page(all, params);
      return postList(ctx, result.items, result.nextToken, sel, id === ctx.core.brand.id);
    },
  },
  {
    route: 'GET /2/tweets/search/recent',
    auth: 'either',
    query: ['query', 'next_token', 'pagination_token', 'sort_order', ...TIMELINE_PARAMS],
    handle: (ctx) => {
      const query = ctx.query.get('query');
      if (!query) return problems.invalidRequest('The `query` query parameter can not be empty', 'query', '');
      if (query.length > 512)
        return problems.invalidRequest(`The \`query\` query parameter value [${query}] is longer than 512 characters`, 'query', query);
      let parsed: ReturnType<typeof parseQuery>;
      try {
        parsed = parseQuery(query);
      } catch (err) {
        if (err instanceof QueryError) return problems.invalidRequest(err.message, 'query', query);
        throw err;
      }
      const sel = readSelection(ctx.query, 'post');
      if (isProblem(sel)) return sel;
      const params = timelineParams(ctx, [10, 100, 10], 'next_token');
      if (isProblem(params)) return params;
      const since = ctx.core.now().getTime() - SEVEN_DAYS;
      if (params.start !== undefined && params.start < since) {
        const value = ctx.query.get('start_time') ?? '';
        return problems.invalidRequest(
          `Invalid 'start_time':'${value}'. 'start_time' must be on or after ${new Date(since).toISOString()}`,
          'start_time',
          value,
        );
      }
      const all = ctx.core.state.posts.filter(
        (p) => Date.parse(p.created_at) >= since && params.inTime(p) && matches(parsed, p, ctx.core.state),
      );
      const result = page(all, params);
      return postList(ctx, result.items, result.nextToken, sel, false);
    },
  },
  { route: 'GET /2/tweets/:id', auth: 'either', query: POST_FIELD_PARAMS, handle: (ctx) => postLookup(ctx, [ctx.params.id ?? '']) },
  {
    route: 'GET /2/tweets',
    auth: 'either',
    query: ['ids', ...POST_FIELD_PARAMS],
    handle: (ctx) => {
      const ids = (ctx.query.get('ids') ?? '').split(',').filter(Boolean);
      if (!ids.length || ids.length > 100 || ids.some((id) => !ID.test(id)))
        return problems.invalidRequest('The `ids` query parameter must list 1 to 100 post ids', 'ids');
      return postLookup(ctx, ids);
    },
  },
  { route: 'POST /2/tweets', auth: 'user', query: [], handle: createPost },
];

/** Posts newest first (a helper for peer inspection). */
export function newestFirst(posts: XPost[]): XPost[] {
  return [...posts].sort((a, b) => compareIds(b.id, a.id));
}
