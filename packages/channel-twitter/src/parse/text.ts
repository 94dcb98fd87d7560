import { capStoredText } from '@centralita/core';

/**
 * The longest text an event carries. X's long posts stop at 25,000 characters and DMs at 10,000;
 * anything longer did not come from X as documented, and is cut rather than stored whole.
 */
export const MAX_TEXT_LENGTH = 25_000;

/** Longest profile field we keep (names are 50 on X, locations 30): enough for any real one. */
export const MAX_PROFILE_FIELD = 200;

/** The longest expanded link we put into a text in place of its t.co link. */
const MAX_URL_LENGTH = 2_048;

/** How many link entities one text may carry before we stop expanding them. */
const MAX_LINKS = 100;

/** Cuts a text to `max` UTF-16 units without splitting a surrogate pair, then makes it storable. */
export function capText(text: string, max = MAX_TEXT_LENGTH): string {
  return capStoredText(text, max);
}

/** A profile field trimmed, cut and made storable; undefined when nothing is left. */
export function cleanField(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string') return undefined;
  const out = capText(value.trim(), MAX_PROFILE_FIELD);
  return out === '' ? undefined : out;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * X sends post text with `&`, `<` and `>` escaped as HTML entities (both v1.1 and v2). One pass
 * turns them back, so a customer's literal "&amp;" (sent as "&amp;amp;") survives.
 */
export function decodePostText(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (m) => ENTITIES[m] ?? m);
}

/** A link entity of either API: the t.co link in the text and where it leads. */
export interface LinkEntity {
  url?: string | null;
  expanded_url?: string | null;
}

const TCO = /^https?:\/\/t\.co\/[A-Za-z0-9]{1,40}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a link with control characters is not put into a text
const SAFE_URL = /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/;

/**
 * The text with each t.co link replaced by the address it stands for, so an agent sees where a
 * customer points before opening anything. Only well-formed t.co links with an http(s) target are
 * replaced; anything else stays as X sent it.
 */
export function expandLinks(text: string, links: readonly LinkEntity[] | undefined): string {
  let out = text;
  for (const link of (links ?? []).slice(0, MAX_LINKS)) {
    const { url, expanded_url: expanded } = link;
    if (typeof url !== 'string' || typeof expanded !== 'string' || !TCO.test(url)) continue;
    if (expanded.length > MAX_URL_LENGTH || !SAFE_URL.test(expanded)) continue;
    out = out.split(url).join(expanded);
  }
  return out;
}

/** The text without the given t.co links (media links a client shows as the media itself). */
export function removeLinks(text: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls.slice(0, MAX_LINKS)) if (TCO.test(url)) out = out.split(url).join('');
  return out === text ? text : out.trim();
}

/**
 * X's `lang` codes that name no language: undetermined, no linguistic content, and its private
 * `q..` codes (qme media only, qht hashtags only, qam mentions only, qct cashtags only, qst very
 * short text), plus the collective codes that say nothing about the writer.
 */
const NOT_LANGUAGES = new Set(['und', 'zxx', 'mul', 'mis', 'art']);

/** A BCP 47 locale for a post's `lang` when it names a real language; undefined otherwise. */
export function localeFromLang(lang: string | null | undefined): string | undefined {
  if (typeof lang !== 'string' || lang.length > 35) return undefined;
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(lang)) return undefined;
  const primary = (lang.split('-')[0] ?? '').toLowerCase();
  // ISO 639-2 keeps qaa-qtz for local use; X uses that range for its non-language markers.
  if (NOT_LANGUAGES.has(primary) || /^q[a-t][a-z]$/.test(primary)) return undefined;
  try {
    // Canonical form, and X's old codes mapped: `in` becomes `id`, `iw` becomes `he`.
    return Intl.getCanonicalLocales(lang)[0];
  } catch {
    return undefined;
  }
}

/** X's ids are snowflakes: their top bits are milliseconds since this instant (2010-11-04). */
const SNOWFLAKE_EPOCH = 1_288_834_974_657;

/** When X minted a numeric id: the fallback time for a post or DM that came without one. */
export function snowflakeTime(id: string): Date {
  return new Date(Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH);
}

/** Earliest and latest instants a real X timestamp can hold: X started in 2006. */
const EARLIEST = Date.UTC(2006, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);

/** A Date from an ISO string, a v1.1 date ("Wed Oct 10 20:19:24 +0000 2018") or ms digits; null if none. */
export function parseXTime(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : value.length <= 40 ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > LATEST) return null;
  return new Date(ms);
}
