// Proactive listening: searches a supervisor saves for an account, which its adapter runs on the
// channel on a schedule. A match that does not address the brand is emitted with
// `origin: 'proactive'` and becomes a conversation an agent can open first. The host stores the
// searches and validates them; each adapter turns the terms into its channel's own query.

/** What a saved search looks for, in channel-neutral terms; the adapter builds the query. */
export interface SavedSearchTerms {
  /** Words that must all appear. */
  keywords: string[];
  /** Exact phrases, each of which must appear. */
  phrases: string[];
  /** Hashtags that must appear, without `#`. */
  hashtags: string[];
  /** At least one of these words must appear. */
  anyOf: string[];
  /** None of these words may appear. */
  exclude: string[];
  /** Only posts in this language: a BCP 47 primary tag (`es`), or null for any. */
  language: string | null;
  /** Leave out reposts (retweets). @default true */
  excludeRetweets: boolean;
  /** Leave out the brand's own posts. @default true */
  excludeOwnPosts: boolean;
}

/** One active saved search of an account, as its adapter sees it. */
export interface SavedSearch {
  id: string;
  name: string;
  terms: SavedSearchTerms;
  /** How often to run it; at least 60. */
  intervalSeconds: number;
  /**
   * When the search last changed (ISO 8601). An adapter keeping a cursor per search (X's
   * `since_id`) can start afresh when the terms change.
   */
  updatedAt: string;
}

/** Where an adapter reads the searches it should run. */
export interface ListeningSource {
  /** The account's active (not paused) saved searches, read fresh each call. */
  searches(): Promise<SavedSearch[]>;
}

/** A search as the channel will run it, and what stops it from running there. */
export interface SearchDescription {
  /** The channel's own query string, shown to supervisors beside the search. */
  query: string;
  /** Sentences naming each problem (too long for the tier, an operator not allowed); empty when fine. */
  problems: string[];
}

/** A `ListeningSource` with no searches: accounts of channels that cannot listen. */
export const NO_LISTENING: ListeningSource = Object.freeze({ searches: async () => [] });

/** Terms with every field at its default: add the words you need. */
export function searchTerms(partial: Partial<SavedSearchTerms> = {}): SavedSearchTerms {
  return {
    keywords: [],
    phrases: [],
    hashtags: [],
    anyOf: [],
    exclude: [],
    language: null,
    excludeRetweets: true,
    excludeOwnPosts: true,
    ...partial,
  };
}

/**
 * What is wrong with terms whatever the channel, as sentences (empty when fine): a search needs
 * at least one word, phrase or hashtag to look for; exclusions and a language alone would match
 * everything.
 */
export function searchTermsProblems(terms: SavedSearchTerms): string[] {
  const problems: string[] = [];
  const looksFor = [...terms.keywords, ...terms.phrases, ...terms.hashtags, ...terms.anyOf].some((w) => w.trim().length > 0);
  if (!looksFor) {
    problems.push('The search looks for nothing: give at least one keyword, phrase, hashtag or "any of" word.');
  }
  const blank = (['keywords', 'phrases', 'hashtags', 'anyOf', 'exclude'] as const).filter((k) => terms[k].some((w) => w.trim() === ''));
  if (blank.length > 0) problems.push(`Remove the empty entries in ${blank.join(', ')}.`);
  return problems;
}
