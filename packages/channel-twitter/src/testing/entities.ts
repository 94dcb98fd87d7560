/** The v2 entity objects X attaches to a post's text (offsets in Unicode code points). */
export interface XMentionEntity {
  start: number;
  end: number;
  username: string;
  id: string;
}

export interface XUrlEntity {
  start: number;
  end: number;
  url: string;
  expanded_url: string;
  display_url: string;
}

export interface XHashtagEntity {
  start: number;
  end: number;
  tag: string;
}

export interface XPostEntities {
  mentions?: XMentionEntity[];
  urls?: XUrlEntity[];
  hashtags?: XHashtagEntity[];
}

export interface ComposedText {
  text: string;
  /** Where the typed text starts and ends; a reply's leading @handles sit before the start. */
  displayTextRange: [number, number];
  entities: XPostEntities;
}

const URL_RE = /https?:\/\/[^\s]+[^\s.,;:!?)\]'"]/g;
const MENTION_RE = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{1,15})/g;
const HASHTAG_RE = /(?<![\p{L}\p{N}_&/])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;

/** Code-point offset of a UTF-16 index: X counts entity offsets in characters, not code units. */
function cp(text: string, index: number): number {
  return Array.from(text.slice(0, index)).length;
}

/** X's display form of a link: no scheme, long ones cut with an ellipsis. */
function displayUrl(url: string): string {
  const bare = url.replace(/^https?:\/\//, '');
  return bare.length > 26 ? `${bare.slice(0, 25)}…` : bare;
}

/**
 * Turns what a customer typed into the text X stores: links become t.co links (as X rewrites
 * them), a reply starts with the @handles it answers, and the
 * entities are found in the result. `lookup` resolves a handle to a known user; unknown handles
 * are not mentions (X only links handles of existing accounts).
 */
export function composeText(
  typed: string,
  options: {
    replyHandles: string[];
    lookup: (username: string) => { id: string; username: string } | undefined;
    shortLink: (expanded: string) => string;
  },
): ComposedText {
  const links = new Map<string, string>();
  let body = typed.replace(URL_RE, (expanded) => {
    const short = options.shortLink(expanded);
    links.set(short, expanded);
    return short;
  });
  // A reply's text begins with the handles it answers; typed copies of them are folded into that
  // prefix, as X's own clients do, so they stay implicit (outside the display range).
  const targets = new Set(options.replyHandles.map((h) => h.toLowerCase()));
  for (
    let m = /^@([A-Za-z0-9_]{1,15})\s+/.exec(body);
    m?.[1] && targets.has(m[1].toLowerCase());
    m = /^@([A-Za-z0-9_]{1,15})\s+/.exec(body)
  ) {
    body = body.slice(m[0].length);
  }
  const prefix = options.replyHandles.map((h) => `@${h} `).join('');
  const text = prefix + body;
  const entities: XPostEntities = {};
  const mentions: XMentionEntity[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    const user = m[1] ? options.lookup(m[1]) : undefined;
    if (!user || m.index === undefined) continue;
    const start = cp(text, m.index);
    mentions.push({ start, end: start + m[0].length, username: user.username, id: user.id });
  }
  const urls: XUrlEntity[] = [];
  for (const [short, expanded] of links) {
    let from = text.indexOf(short);
    while (from >= 0) {
      const start = cp(text, from);
      urls.push({ start, end: start + short.length, url: short, expanded_url: expanded, display_url: displayUrl(expanded) });
      from = text.indexOf(short, from + short.length);
    }
  }
  urls.sort((a, b) => a.start - b.start);
  const hashtags: XHashtagEntity[] = [];
  for (const m of text.matchAll(HASHTAG_RE)) {
    if (m.index === undefined || !m[1]) continue;
    const start = cp(text, m.index);
    hashtags.push({ start, end: start + Array.from(m[0]).length, tag: m[1] });
  }
  if (mentions.length) entities.mentions = mentions;
  if (urls.length) entities.urls = urls;
  if (hashtags.length) entities.hashtags = hashtags;
  return { text, displayTextRange: [cp(text, prefix.length), Array.from(text).length], entities };
}

/** A deterministic t.co link for the n-th link (X's codes are random; tests only need them unique). */
export function tcoLink(n: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let x = BigInt(n) * 2654435761n + 916132832n;
  let code = '';
  while (x > 0n) {
    code = alphabet[Number(x % 62n)] + code;
    x /= 62n;
  }
  return `https://t.co/${code.padStart(10, 'a')}`;
}
