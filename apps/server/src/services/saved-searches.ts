import {
  type ChannelAdapter,
  type ChannelCapabilities,
  type ListeningSource,
  type Logger,
  type SavedSearch,
  type SavedSearchTerms,
  searchTermsProblems,
} from '@centralita/channel-kit';
import { type Database, listActiveSavedSearches, type SavedSearchRecord } from '@centralita/db';
import type { Kysely } from 'kysely';
import { z } from 'zod';

// Saved searches between the API, the database and the adapters: one schema for the terms, so
// what the API accepts, what is stored and what an adapter is handed cannot drift apart.

/** The most searches one account may have, paused ones included: each costs the channel's search calls. */
export const MAX_SEARCHES_PER_ACCOUNT = 50;

/** Words and hashtags: one token each, so a space cannot silently turn a keyword into a phrase. */
const word = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `an empty ${what}`)
    .max(100, `a ${what} longer than 100 characters`)
    .refine((w) => !/\s/u.test(w), `a ${what} is one word; put words that belong together in phrases`);

const words = (what: string, max: number) => z.array(word(what)).max(max, `more than ${max} ${what}s`);

// Each field once, without its default, so the whole terms and a PATCH's part share them.
const FIELDS = {
  keywords: words('keyword', 50).describe('Words that must all appear'),
  phrases: z
    .array(z.string().trim().min(1, 'an empty phrase').max(200, 'a phrase longer than 200 characters'))
    .max(20, 'more than 20 phrases')
    .describe('Exact phrases, each of which must appear'),
  hashtags: z
    .array(word('hashtag').transform((h) => h.replace(/^#+/, '')))
    .max(20, 'more than 20 hashtags')
    .describe('Hashtags that must appear (the # is optional)'),
  anyOf: words('"any of" word', 50).describe('At least one of these words must appear'),
  exclude: words('excluded word', 50).describe('None of these words may appear'),
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}$/, 'language is a primary language tag such as es or en')
    .transform((l) => l.toLowerCase())
    .nullable()
    .describe('Only posts in this language (es, en...); null for any'),
  excludeRetweets: z.boolean().describe('Leave out reposts (true unless given)'),
  excludeOwnPosts: z.boolean().describe("Leave out the brand's own posts (true unless given)"),
};

/** The terms of a saved search as the API takes them; a field left out has its default. */
export const savedSearchTermsSchema = z
  .object({
    keywords: FIELDS.keywords.default([]),
    phrases: FIELDS.phrases.default([]),
    hashtags: FIELDS.hashtags.default([]),
    anyOf: FIELDS.anyOf.default([]),
    exclude: FIELDS.exclude.default([]),
    language: FIELDS.language.default(null),
    excludeRetweets: FIELDS.excludeRetweets.default(true),
    excludeOwnPosts: FIELDS.excludeOwnPosts.default(true),
  })
  .strict();

/** Part of the terms, for a PATCH: merged into the stored terms (lists replace, null clears the language). */
export const savedSearchTermsPatchSchema = z
  .object({
    keywords: FIELDS.keywords.optional(),
    phrases: FIELDS.phrases.optional(),
    hashtags: FIELDS.hashtags.optional(),
    anyOf: FIELDS.anyOf.optional(),
    exclude: FIELDS.exclude.optional(),
    language: FIELDS.language.optional(),
    excludeRetweets: FIELDS.excludeRetweets.optional(),
    excludeOwnPosts: FIELDS.excludeOwnPosts.optional(),
  })
  .strict();

/** Seconds between runs of a search. */
export const intervalSecondsSchema = z
  .number()
  .int()
  .min(60, 'intervalSeconds is at least 60 (a search runs at most once a minute)')
  .max(86_400, 'intervalSeconds is at most 86400 (once a day)');

/**
 * Terms as stored, read with today's defaults (a field added later gets its default); null when
 * a row edited by hand no longer parses. Such a search is not run: running it as something nobody
 * asked for would be worse.
 */
export function storedTerms(raw: unknown): SavedSearchTerms | null {
  const parsed = savedSearchTermsSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A stored search as an adapter is handed it, or null when its terms no longer parse. */
export function toSavedSearch(r: SavedSearchRecord): SavedSearch | null {
  const terms = storedTerms(r.terms);
  if (!terms) return null;
  return { id: r.id, name: r.name, terms, intervalSeconds: r.intervalSeconds, updatedAt: r.updatedAt.toISOString() };
}

/**
 * What `ctx.listening` is for an account of a listening channel: its active searches, read from
 * the database at every call, so a search paused, changed or deleted through any node is seen at
 * the adapter's next round.
 */
export function listeningSource(db: Kysely<Database>, logger: Logger, channelAccountId: string): ListeningSource {
  return {
    async searches() {
      const out: SavedSearch[] = [];
      for (const record of await listActiveSavedSearches(db, channelAccountId)) {
        const search = toSavedSearch(record);
        if (search) out.push(search);
        else
          logger.warn({ channelAccountId, savedSearchId: record.id }, 'a saved search no longer parses; it is not run until saved again');
      }
      return out;
    },
  };
}

/**
 * The channel's query for these terms on this account, and every reason it cannot be saved:
 * the channel does not listen, the terms look for nothing, or the adapter's own check (X's query
 * length on the account's tier). An empty `problems` means the search can be saved.
 */
export function describeSearch(
  adapter: ChannelAdapter,
  capabilities: ChannelCapabilities,
  config: unknown,
  terms: SavedSearchTerms,
): { query: string | null; problems: string[] } {
  if (!capabilities.listening) {
    return { query: null, problems: [`${adapter.displayName} accounts cannot listen: this channel runs no saved searches.`] };
  }
  const generic = searchTermsProblems(terms);
  if (generic.length > 0) return { query: null, problems: generic };
  if (!adapter.describeSearch) return { query: null, problems: [] };
  const described = adapter.describeSearch(terms, config);
  return { query: described.query, problems: described.problems };
}

/**
 * A search as the API shows it, with the channel's query for it (null when the channel builds
 * none) and what stops it from running on its account now (empty when it runs).
 */
export function presentSearch(r: SavedSearchRecord, checked: { query: string | null; problems: string[] }) {
  return {
    id: r.id,
    channelAccountId: r.channelAccountId,
    name: r.name,
    // As stored when it no longer parses (a row edited by hand), so a supervisor sees what to fix.
    terms: storedTerms(r.terms) ?? (r.terms as unknown as SavedSearchTerms),
    query: checked.query,
    problems: checked.problems,
    intervalSeconds: r.intervalSeconds,
    paused: r.paused,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
