import type { XPost, XState } from './state.ts';

/**
 * The subset of X's search query language the peer understands (X's `build-a-query` docs): bare
 * keywords (AND by juxtaposition), "quoted phrases", #hashtags, @mentions, OR, parentheses,
 * negation with `-`, and the operators `lang:`, `from:`, `to:`, `is:retweet`, `is:reply`,
 * `is:quote`, `has:links`, `has:mentions`, `has:hashtags`. AND binds tighter than OR, as on X.
 * Anything else is refused with X's 400, so a channel cannot rely on an operator the peer ignores.
 */
export type QueryNode =
  | { kind: 'and' | 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  | { kind: 'keyword' | 'phrase' | 'hashtag' | 'mention'; value: string }
  | { kind: 'op'; name: string; value: string };

const OPERATORS = new Map<string, (v: string) => boolean>([
  ['lang', (v) => /^[a-z]{2,3}$/i.test(v)],
  ['from', (v) => v.length > 0],
  ['to', (v) => v.length > 0],
  ['is', (v) => ['retweet', 'reply', 'quote'].includes(v)],
  ['has', (v) => ['links', 'mentions', 'hashtags'].includes(v)],
]);

export class QueryError extends Error {}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(-?"[^"]*"|\(|\)|-?[^\s()"]+)/y;
  let at = 0;
  for (let m = re.exec(query); m?.[1]; m = re.exec(query)) {
    tokens.push(m[1]);
    at = re.lastIndex;
  }
  if (query.slice(at).trim()) throw new QueryError(`There were errors processing your request: Unmatched quote in query [${query}]`);
  return tokens;
}

/** Parses a search query; throws QueryError with X's style of message when it is not valid. */
export function parseQuery(query: string): QueryNode {
  const tokens = tokenize(query);
  let i = 0;
  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    while (tokens[i] === 'OR') {
      i++;
      items.push(parseAnd());
    }
    return items.length === 1 ? (items[0] as QueryNode) : { kind: 'or', items };
  };
  const parseAnd = (): QueryNode => {
    const items: QueryNode[] = [];
    while (i < tokens.length && tokens[i] !== ')' && tokens[i] !== 'OR') items.push(parseUnary());
    if (!items.length)
      throw new QueryError(`There were errors processing your request: Ambiguous use of or near position ${i} in query [${query}]`);
    return items.length === 1 ? (items[0] as QueryNode) : { kind: 'and', items };
  };
  const parseUnary = (): QueryNode => {
    const token = tokens[i++] as string;
    if (token === '(') {
      const inner = parseOr();
      if (tokens[i++] !== ')') throw new QueryError(`There were errors processing your request: Unmatched parenthesis in query [${query}]`);
      return inner;
    }
    if (token === '-' && tokens[i] === '(') return { kind: 'not', item: parseUnary() };
    if (token.startsWith('-') && token.length > 1) return { kind: 'not', item: atom(token.slice(1)) };
    return atom(token);
  };
  const atom = (token: string): QueryNode => {
    if (token.startsWith('"')) return { kind: 'phrase', value: token.slice(1, -1) };
    if (token.startsWith('#') && token.length > 1) return { kind: 'hashtag', value: token.slice(1) };
    if (token.startsWith('@') && token.length > 1) return { kind: 'mention', value: token.slice(1) };
    const op = /^([a-z_]+):(.*)$/i.exec(token);
    if (op?.[1] && op[2] !== undefined) {
      const name = op[1].toLowerCase();
      const check = OPERATORS.get(name);
      if (!check)
        throw new QueryError(
          `There were errors processing your request: Reference to invalid operator '${name}'. Operator is not available in current product or product packaging. Please refer to complete available operator list at https://developer.x.com/en/docs/twitter-api/tweets/search/integrate/build-a-query. (at position 1)`,
        );
      if (!check(op[2]))
        throw new QueryError(`There were errors processing your request: Reference to invalid field '${op[2]}' (at position 1)`);
      return { kind: 'op', name, value: op[2] };
    }
    return { kind: 'keyword', value: token };
  };
  const root = parseOr();
  if (i < tokens.length) throw new QueryError(`There were errors processing your request: Unmatched parenthesis in query [${query}]`);
  if (onlyNegated(root))
    throw new QueryError('There were errors processing your request: Rules must contain a non-negation term (at position 1)');
  return root;
}

function onlyNegated(node: QueryNode): boolean {
  if (node.kind === 'not') return true;
  if (node.kind === 'and') return node.items.every(onlyNegated);
  if (node.kind === 'or') return node.items.some(onlyNegated);
  return false;
}

/** Lowercased word tokens of a text, links and @handles kept whole. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_@#'’]+/u)
    .map((w) => w.replace(/^['’]+|['’]+$/g, ''))
    .filter(Boolean);
}

/** Whether `post` matches the parsed query. */
export function matches(node: QueryNode, post: XPost, state: XState): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matches(n, post, state));
    case 'or':
      return node.items.some((n) => matches(n, post, state));
    case 'not':
      return !matches(node.item, post, state);
    case 'keyword': {
      const want = words(node.value);
      const have = words(post.text).map((w) => w.replace(/^[#@]/, ''));
      return want.length > 0 && want.every((w) => have.includes(w.replace(/^[#@]/, '')));
    }
    case 'phrase': {
      const want = words(node.value).join(' ');
      return want.length > 0 && ` ${words(post.text).join(' ')} `.includes(` ${want} `);
    }
    case 'hashtag':
      return (post.entities?.hashtags ?? []).some((h) => h.tag.toLowerCase() === node.value.toLowerCase());
    case 'mention':
      return (post.entities?.mentions ?? []).some((m) => m.username.toLowerCase() === node.value.toLowerCase());
    case 'op':
      return operator(node.name, node.value, post, state);
  }
}

function operator(name: string, value: string, post: XPost, state: XState): boolean {
  const refs = post.referenced_tweets ?? [];
  switch (name) {
    case 'lang':
      return post.lang === value.toLowerCase();
    case 'from':
      return state.user(value)?.id === post.author_id;
    case 'to':
      return post.in_reply_to_user_id !== undefined && state.user(value)?.id === post.in_reply_to_user_id;
    case 'is':
      // The peer has no reposts, and keyword search no longer returns them (X, 2026-05-04).
      return value === 'reply'
        ? refs.some((r) => r.type === 'replied_to')
        : value === 'quote'
          ? refs.some((r) => r.type === 'quoted')
          : false;
    case 'has':
      return value === 'links'
        ? Boolean(post.entities?.urls?.length)
        : value === 'mentions'
          ? Boolean(post.entities?.mentions?.length)
          : Boolean(post.entities?.hashtags?.length);
    default:
      return false;
  }
}
