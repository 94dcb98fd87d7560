import { describe, expect, it } from 'vitest';
import { createMemoryContext } from './conformance/memory-context.ts';
import { NO_LISTENING, type SavedSearch, searchTerms, searchTermsProblems } from './listening.ts';

const search = (id: string, keywords: string[]): SavedSearch => ({
  id,
  name: id,
  terms: searchTerms({ keywords }),
  intervalSeconds: 300,
  updatedAt: '2026-03-02T09:00:00.000Z',
});

describe('saved-search terms', () => {
  it('start from the defaults: nothing looked for, reposts and the brand’s own posts left out', () => {
    expect(searchTerms()).toEqual({
      keywords: [],
      phrases: [],
      hashtags: [],
      anyOf: [],
      exclude: [],
      language: null,
      excludeRetweets: true,
      excludeOwnPosts: true,
    });
  });

  it('need something to look for: exclusions and a language alone would match everything', () => {
    expect(searchTermsProblems(searchTerms({ exclude: ['spam'], language: 'es' }))).toEqual([
      'The search looks for nothing: give at least one keyword, phrase, hashtag or "any of" word.',
    ]);
    expect(searchTermsProblems(searchTerms({ hashtags: ['fibra'] }))).toEqual([]);
    expect(searchTermsProblems(searchTerms({ keywords: ['router', ' '] }))).toEqual(['Remove the empty entries in keywords.']);
  });
});

describe('listening in the memory context', () => {
  it('answers the searches the test set, as copies the adapter cannot change, and none by default', async () => {
    expect(await NO_LISTENING.searches()).toEqual([]);
    expect(await createMemoryContext().listening.searches()).toEqual([]);
    const ctx = createMemoryContext({ searches: [search('a', ['router'])] });
    const first = await ctx.listening.searches();
    expect(first.map((s) => s.id)).toEqual(['a']);
    first[0]?.terms.keywords.push('changed');
    expect((await ctx.listening.searches())[0]?.terms.keywords).toEqual(['router']);
    // A supervisor paused "a" and saved "b": the next read says so.
    ctx.setSearches([search('b', ['fibra'])]);
    expect((await ctx.listening.searches()).map((s) => s.id)).toEqual(['b']);
  });
});
