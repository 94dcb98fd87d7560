import { foldedWords, withinOneEdit } from './fold.ts';
import { placesInWords, regionCovers } from './places.ts';

/** A workspace service label and the words that name it (accent- and case-insensitive). */
export interface ServiceLabel {
  label: string;
  terms: string[];
}

export interface MatchTuning {
  /** A conversation whose customer wrote this long before the incident's start still links. */
  windowBeforeMinutes: number;
  /** Only conversations whose region is known and covered link (else: unknown region is fine). */
  requireRegion: boolean;
  /** A word one edit away from a keyword of 5+ letters counts ("fibrra"). */
  fuzzy: boolean;
  /** Keyword or service-term hits needed. */
  minHits: number;
}

/**
 * Defaults: customers who wrote up to 30 minutes before the declared start were already hit by
 * it (people notice before anyone declares); a conversation with no known region links on its
 * words alone (email says nothing of where the customer is); typing errors one edit away from a
 * keyword of 5 or more letters count; one hit is enough.
 */
export const DEFAULT_MATCH_TUNING: MatchTuning = { windowBeforeMinutes: 30, requireRegion: false, fuzzy: true, minHits: 1 };

/** What matching needs of an incident (a row of `incidents`, mapped). */
export interface IncidentCriteria {
  id: string;
  /** 'ES', 'ES-MD', 'ES-M'; empty = anywhere. */
  regions: string[];
  /** Labels of the workspace's services; their terms count as keywords. */
  services: string[];
  /** More words or phrases ("sin conexión"). */
  keywords: string[];
  /** Empty = any. */
  languages: string[];
  startsAt: Date;
  resolvedAt: Date | null;
}

/** What matching needs of a conversation's message. */
export interface MatchFacts {
  /** The inbound text (with the conversation subject prepended). */
  text: string;
  language: string | null;
  /** 'ES' or 'ES-MD'. */
  region: string | null;
  /** When the customer wrote. */
  at: Date;
}

export interface MatchResult {
  matched: boolean;
  /** Words of the text that hit (folded). */
  terms: string[];
  region: 'covered' | 'named' | 'unknown' | 'outside' | 'any';
  /** Why not, when it did not match: "no keyword", "region ES-CT is outside ES-MD", "written before the window", "language en". */
  reason: string | null;
}

/** A term ("sin conexión") as folded words. */
export type FoldedTerm = string[];

/** Whether `long` is `short` with a plural ending (s, es). */
function pluralOf(long: string, short: string): boolean {
  const extra = long.length - short.length;
  if (extra === 1) return long.charCodeAt(long.length - 1) === 115 && long.startsWith(short);
  return extra === 2 && long.endsWith('es') && long.startsWith(short);
}

/**
 * Whether a word of the text is one word of a term: itself, either with a plural s/es, or (fuzzy,
 * terms of 5+ letters) one edit away, plural or not ("fibrras"). Cheap length checks first: this
 * runs for every word of every message against every term.
 */
function wordHits(word: string, term: string, fuzzy: boolean): boolean {
  if (word === term || pluralOf(word, term) || pluralOf(term, word)) return true;
  const lw = word.length;
  const lt = term.length;
  if (!fuzzy || lt < 5 || lw < lt - 1 || lw > lt + 3) return false;
  if (withinOneEdit(word, term)) return true;
  if (lw > lt + 1 && word.endsWith('es') && withinOneEdit(word.slice(0, -2), term)) return true;
  return lw > lt && word.charCodeAt(lw - 1) === 115 && withinOneEdit(word.slice(0, -1), term);
}

/**
 * The terms that appear in a text's folded words, each as the text spelled it: whole words and
 * whole phrases, never a prefix ("fibraoptica" is not "fibra"), a trailing plural s/es allowed,
 * and with `fuzzy` each word of 5+ letters may be one edit off.
 */
export function termsIn(words: readonly string[], terms: readonly FoldedTerm[], fuzzy: boolean): { term: string; as: string }[] {
  const hits: { term: string; as: string }[] = [];
  for (const term of terms) {
    if (term.length === 0 || term.length > words.length) continue;
    for (let i = 0; i + term.length <= words.length; i++) {
      if (term.every((t, k) => wordHits(words[i + k] as string, t, fuzzy))) {
        hits.push({ term: term.join(' '), as: words.slice(i, i + term.length).join(' ') });
        break;
      }
    }
  }
  return hits;
}

// Folded once per incident object and services list: matching runs for every inbound message.
const foldedTerms = new WeakMap<object, { services: readonly ServiceLabel[]; terms: FoldedTerm[] }>();

/** The folded terms of an incident: its keywords and the labels and terms of its services. */
export function incidentTerms(incident: Pick<IncidentCriteria, 'services' | 'keywords'>, services: readonly ServiceLabel[]): FoldedTerm[] {
  const known = foldedTerms.get(incident);
  if (known?.services === services) return known.terms;
  const terms = foldTerms(incident, services);
  foldedTerms.set(incident, { services, terms });
  return terms;
}

function foldTerms(incident: Pick<IncidentCriteria, 'services' | 'keywords'>, services: readonly ServiceLabel[]): FoldedTerm[] {
  const wanted = new Set(incident.services.map((s) => foldedWords(s).join(' ')));
  const raw = [...incident.keywords];
  for (const s of services) if (wanted.has(foldedWords(s.label).join(' '))) raw.push(s.label, ...s.terms);
  const unique = new Map<string, FoldedTerm>();
  for (const r of raw) {
    const words = foldedWords(r);
    if (words.length > 0) unique.set(words.join(' '), words);
  }
  return [...unique.values()];
}

const primaryLanguage = (tag: string) => tag.toLowerCase().split(/[-_]/)[0] ?? '';

/**
 * Whether a message belongs to an incident. It does when all of these hold:
 * 1. it was written at or after `startsAt - windowBeforeMinutes` and before `resolvedAt`;
 * 2. at least `minHits` of the incident's keywords or its services' labels and terms appear as
 *    whole folded words or phrases (see `termsIn`); an incident with neither skips this;
 * 3. its language is one of the incident's, when the incident lists any and the message's is known
 *    (compared by primary subtag: es-ES is es);
 * 4. its region: incident without regions -> 'any'; the conversation's region covered -> 'covered';
 *    else a place named in the text covered -> 'named'; no region known (or only the country
 *    around the incident's region, as a phone number gives) and no place named -> 'unknown',
 *    which matches unless `requireRegion`; a known region or named place outside -> 'outside'.
 */
export function matchIncident(
  incident: IncidentCriteria,
  facts: MatchFacts,
  services: readonly ServiceLabel[],
  tuning: Partial<MatchTuning> = {},
): MatchResult {
  const t = { ...DEFAULT_MATCH_TUNING, ...tuning };
  const words = foldedWords(facts.text);
  const terms = incidentTerms(incident, services);
  const hits = termsIn(words, terms, t.fuzzy);
  const found = [...new Set(hits.map((h) => h.as))];
  const region = regionVerdict(incident.regions, facts, words);
  const from = incident.startsAt.getTime() - t.windowBeforeMinutes * 60_000;
  let reason: string | null = null;
  if (facts.at.getTime() < from) reason = 'written before the window';
  else if (incident.resolvedAt && facts.at.getTime() >= incident.resolvedAt.getTime()) reason = 'written after the incident was resolved';
  else if (
    incident.languages.length > 0 &&
    facts.language &&
    !incident.languages.some((l) => primaryLanguage(l) === primaryLanguage(facts.language as string))
  )
    reason = `language ${facts.language}`;
  else if (terms.length > 0 && hits.length < Math.max(1, t.minHits))
    reason = hits.length === 0 ? 'no keyword' : `${hits.length} of ${t.minHits} keywords`;
  else if (region === 'outside') reason = outsideReason(incident.regions, facts, words);
  else if (region === 'unknown' && t.requireRegion) reason = 'region unknown';
  return { matched: reason === null, terms: found, region, reason };
}

/** The conversation's region is only a wider one around an incident region ('ES' for 'ES-MD'). */
const tooCoarse = (region: string, incidentRegions: readonly string[]) =>
  incidentRegions.some((r) => regionCovers(region, r) && !regionCovers(r, region));

function regionVerdict(incidentRegions: readonly string[], facts: MatchFacts, words: readonly string[]): MatchResult['region'] {
  if (incidentRegions.length === 0) return 'any';
  const own = facts.region && !tooCoarse(facts.region, incidentRegions) ? facts.region : null;
  if (own && incidentRegions.some((r) => regionCovers(r, own))) return 'covered';
  const named = placesInWords(words);
  if (named.some((p) => incidentRegions.some((r) => regionCovers(r, p)))) return 'named';
  if (own || named.some((p) => !tooCoarse(p, incidentRegions))) return 'outside';
  return 'unknown';
}

function outsideReason(incidentRegions: readonly string[], facts: MatchFacts, words: readonly string[]): string {
  const where = incidentRegions.join(', ');
  const named = placesInWords(words).filter((p) => !tooCoarse(p, incidentRegions));
  const own = facts.region && !tooCoarse(facts.region, incidentRegions) ? facts.region : null;
  return own ? `region ${own} is outside ${where}` : `the text names ${named.join(', ')}, outside ${where}`;
}
