import type { SavedSearchTerms } from '@centralita/channel-kit';
import type { Brand } from './parse/index.ts';

/** Recent search takes queries of up to 512 characters on self-serve tiers, 4,096 on Enterprise. */
export const MAX_QUERY_LENGTH = { self_serve: 512, enterprise: 4_096 } as const;

/**
 * A saved search in X's query language: every keyword, each phrase quoted, hashtags, one group
 * of alternatives, exclusions, the language, and by default no retweets, none of the brand's own
 * posts and none that @mention it (those arrive by the mentions path, and reading them twice
 * would be paid twice).
 */
export function buildSearchQuery(
  terms: SavedSearchTerms,
  brand: Pick<Brand, 'username'>,
  maxLength: number = MAX_QUERY_LENGTH.self_serve,
): { query: string; problems: string[] } {
  const problems: string[] = [];
  const parts: string[] = [];
  for (const k of terms.keywords) parts.push(word(k));
  for (const p of terms.phrases) parts.push(`"${p.replace(/"/g, '').trim()}"`);
  for (const h of terms.hashtags) parts.push(`#${h.replace(/^#/, '').trim()}`);
  const any = terms.anyOf.map(word).filter(Boolean);
  if (any.length === 1) parts.push(any[0] as string);
  else if (any.length > 1) parts.push(`(${any.join(' OR ')})`);
  const positive = parts.filter(Boolean).length;
  if (positive === 0) problems.push('A search needs at least one keyword, phrase, hashtag or alternative.');
  for (const x of terms.exclude) parts.push(`-${word(x)}`);
  if (terms.language) parts.push(`lang:${terms.language.toLowerCase().split('-')[0]}`);
  if (terms.excludeRetweets) parts.push('-is:retweet');
  if (terms.excludeOwnPosts) parts.push(`-from:${brand.username}`);
  parts.push(`-@${brand.username}`);
  const query = parts.filter(Boolean).join(' ');
  if (query.length > maxLength) {
    problems.push(`X takes search queries of up to ${maxLength} characters on this tier; this one has ${query.length}. Remove some terms.`);
  }
  return { query, problems };
}

/** A bare term, quoted when it holds spaces or X's operator characters. */
function word(term: string): string {
  const t = term.trim().replace(/"/g, '');
  if (!t) return '';
  return /[\s():]/.test(t) || /^(OR|AND)$/i.test(t) ? `"${t}"` : t;
}
