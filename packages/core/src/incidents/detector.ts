import { readServiceRegionKey, regionsOfRise, serviceRegionKey } from './detector-regions.ts';
import { foldedWords } from './fold.ts';
import { type FoldedTerm, type ServiceLabel, termsIn } from './match.ts';
import { canonicalRegion, isPlaceWord, narrowestPlace, placesInWords, regionAncestors, regionCovers } from './places.ts';
import { poissonTail } from './poisson.ts';
import { STOP_WORDS } from './stop-words.ts';

// The spike detector, pure: counts of inbound messages per key (all, region, term, channel, post)
// per time bucket in, an incident proposal (or none) out. The server keeps the counts in
// PostgreSQL so every node reads the same numbers (see docs/incidents.md).

export interface DetectorTuning {
  bucketMinutes: number;
  baselineBuckets: number;
  alpha: number;
  minCount: number;
  pValue: number;
  minRatio: number;
  viralReplies: number;
  dismissMemoryHours: number;
}

/**
 * Defaults: 5-minute buckets; the baseline is an EWMA over the 12 buckets before (an hour), the
 * newest weighing 0.3; a key spikes with at least 20 messages in its bucket, 3 times its baseline
 * (a baseline under 1 counts as 1) and a Poisson tail probability of at most 1e-4; 30 replies to
 * one post in one bucket make a viral post; a dismissed alarm stays quiet for 24 hours unless
 * it doubles (the incidents service applies that one).
 */
export const DEFAULT_DETECTOR_TUNING: DetectorTuning = {
  bucketMinutes: 5,
  baselineBuckets: 12,
  alpha: 0.3,
  minCount: 20,
  pValue: 1e-4,
  minRatio: 3,
  viralReplies: 30,
  dismissMemoryHours: 24,
};

export type BucketKeyKind = 'all' | 'region' | 'term' | 'channel' | 'post';

export interface BucketSeries {
  kind: BucketKeyKind;
  key: string;
  /** Oldest first; the last is the current bucket. */
  counts: number[];
}

export interface IncidentProposal {
  /** Stable for "the same alarm": its services (else its top 3 words), sorted, and its regions. */
  signature: string;
  /** "Spike: fibra, caida (ES-MD)" */
  title: string;
  terms: string[];
  services: string[];
  regions: string[];
  /** Start of the first bucket above baseline. */
  startsAt: Date;
  evidence: {
    bucketMinutes: number;
    /** Messages in the top term key's bucket (the viral post's replies when it proposes alone). */
    total: number;
    keys: {
      kind: BucketKeyKind;
      key: string;
      baseline: number;
      current: number;
      pValue: number;
      ratio: number;
      counts: { at: string; count: number }[];
    }[];
    viralPost: { externalId: string; replies: number } | null;
  };
}

/** Words counted per message, so a long email weighs no more than a tweet. */
const MAX_TERMS = 12;
const MAX_KEY_LENGTH = 200;

/**
 * The keys one inbound message counts under:
 * - 'all', and its channel kind;
 * - its region with the regions around it ('ES-B' also counts for 'ES-CT' and 'ES'); a place the
 *   text names stands for a region unknown or only a country ("sin fibra en Getafe" from a
 *   phone number is 'ES-MD');
 * - its first 12 distinct folded words of 4+ letters that are neither stop words nor place names
 *   (a place is a region, not a complaint);
 * - each service whose label or terms it names (typing errors included) as the term key of the
 *   service's label, and under each of its regions as that service's region key ("ES-MD/fibra":
 *   where the complaints about it come from);
 * - the post it replies to.
 */
export function bucketKeys(
  m: { text: string; channelKind: string; region: string | null; repliedToPost: string | null },
  services: readonly ServiceLabel[],
): { kind: BucketKeyKind; key: string }[] {
  const keys = new Map<string, { kind: BucketKeyKind; key: string }>();
  const add = (kind: BucketKeyKind, key: string) => {
    if (key.length > 0 && key.length <= MAX_KEY_LENGTH) keys.set(`${kind}\u0000${key}`, { kind, key });
  };
  add('all', 'all');
  add('channel', m.channelKind);
  const words = foldedWords(m.text);
  const region = whereFrom(m.region, words);
  const regions = region ? [canonicalRegion(region), ...regionAncestors(region)] : [];
  for (const r of regions) add('region', r);
  let counted = 0;
  for (const w of new Set(words)) {
    if (counted >= MAX_TERMS) break;
    if (w.length < 4 || w.length > 40 || !/^\p{L}+$/u.test(w) || STOP_WORDS.has(w) || isPlaceWord(w)) continue;
    add('term', w);
    counted++;
  }
  for (const s of services) {
    if (termsIn(words, serviceTerms(s), true).length === 0) continue;
    add('term', s.label);
    for (const r of regions) add('region', serviceRegionKey(r, s.label));
  }
  if (m.repliedToPost) add('post', m.repliedToPost);
  return [...keys.values()];
}

// Folded once per service object: bucketKeys runs for every inbound message.
const folded = new WeakMap<ServiceLabel, FoldedTerm[]>();

/** The message's region, or the one place its text names when the region is unknown or a country around it. */
function whereFrom(region: string | null, words: readonly string[]): string | null {
  if (region && regionAncestors(region).length > 0) return region;
  const named = narrowestPlace(placesInWords(words));
  return named && (!region || regionCovers(region, named)) ? named : region;
}

function serviceTerms(s: ServiceLabel): FoldedTerm[] {
  let terms = folded.get(s);
  if (!terms) {
    terms = [s.label, ...s.terms].map((t) => foldedWords(t)).filter((w) => w.length > 0);
    folded.set(s, terms);
  }
  return terms;
}

/** The start of the bucket holding `at`, buckets counted from the Unix epoch. */
export function bucketStart(at: Date, bucketMinutes: number): Date {
  const size = Math.max(1, Math.round(bucketMinutes)) * 60_000;
  return new Date(Math.floor(at.getTime() / size) * size);
}

interface Scored {
  series: BucketSeries;
  at: number;
  current: number;
  baseline: number;
  ratio: number;
  pValue: number;
  spiking: boolean;
}

/** The EWMA of the `baselineBuckets` buckets before index `at` (oldest first, the first seeds it). */
function baselineAt(counts: readonly number[], at: number, t: DetectorTuning): number {
  const from = Math.max(0, at - t.baselineBuckets);
  if (at <= from) return 0;
  let b = counts[from] ?? 0;
  for (let i = from + 1; i < at; i++) b = t.alpha * (counts[i] ?? 0) + (1 - t.alpha) * b;
  return b;
}

function score(series: BucketSeries, at: number, t: DetectorTuning): Scored {
  const current = series.counts[at] ?? 0;
  const baseline = baselineAt(series.counts, at, t);
  const ratio = current / Math.max(baseline, 1);
  const pValue = current >= t.minCount ? poissonTail(current, Math.max(baseline, 0.5)) : 1;
  return { series, at, current, baseline, ratio, pValue, spiking: current >= t.minCount && ratio >= t.minRatio && pValue <= t.pValue };
}

const excess = (s: Scored) => s.current - s.baseline;

/**
 * Pure: one workspace's series at `now` -> a proposal or null. Every series ends with the bucket
 * holding `now`. A key spikes when its bucket has at least `minCount` messages, `minRatio` times
 * its baseline (the EWMA of the `baselineBuckets` before it, at least 1) and a Poisson tail
 * probability P(X >= current | lambda = max(baseline, 0.5)) of at most `pValue`. The newest
 * bucket is read first; while it is still filling and shows nothing, the one before it is read
 * (a spike at 4:59 of a bucket is still reported at 5:30).
 *
 * Nothing is proposed before the workspace has messages in half of the baseline's buckets (from
 * zero, everything looks like a spike). A proposal needs a spiking term key. Services come first:
 * a service spikes when its label's key does, or a word naming it ("router" is fibra's), or when
 * the words that spike rose no more than it did (they ride on its rise: one outage, one
 * proposal, not one per word). A service or word is kept when its excess over baseline is at
 * least half the strongest one's (not a quieter service rising beside it). The regions are where
 * the leading service's own messages rose since the spike began (its region keys, see
 * `regionsOfRise`); for a spike of words alone, the region keys that rose unusually. A post with
 * `viralReplies` replies in the bucket proposes on its own, with the strongest words of the
 * bucket as its terms.
 */
export function detectSpike(
  series: readonly BucketSeries[],
  now: Date,
  services: readonly ServiceLabel[],
  tuning: Partial<DetectorTuning> = {},
): IncidentProposal | null {
  const t = { ...DEFAULT_DETECTOR_TUNING, ...tuning };
  const length = Math.max(0, ...series.map((s) => s.counts.length));
  if (length === 0) return null;
  const last = length - 1;
  return proposeAt(series, last, now, services, t) ?? (last > 0 ? proposeAt(series, last - 1, now, services, t) : null);
}

function proposeAt(
  series: readonly BucketSeries[],
  at: number,
  now: Date,
  services: readonly ServiceLabel[],
  t: DetectorTuning,
): IncidentProposal | null {
  const length = Math.max(...series.map((s) => s.counts.length));
  // Series of different lengths are aligned on their newest bucket.
  const scored = series.map((s) => score(s, at - (length - s.counts.length), t));
  if (!warmedUp(scored, t)) return null;
  const labels = new Set(services.map((s) => s.label));
  const ownerOf = serviceOfWord(services);
  const byTerm = new Map(scored.filter((s) => s.series.kind === 'term').map((s) => [s.series.key, s]));
  const terms = scored.filter((s) => s.series.kind === 'term' && s.spiking).sort((a, b) => excess(b) - excess(a));
  const viral = scored.filter((s) => s.series.kind === 'post' && s.current >= t.viralReplies).sort((a, b) => b.current - a.current)[0];
  if (terms.length === 0 && !viral) return null;
  // A service spikes when its own key does, or a word that names it ("router" is fibra's), or when
  // the words that spike rose no more than it did (they ride on its rise).
  const spikingServices = new Set(terms.flatMap((s) => (labels.has(s.series.key) ? [s.series.key] : (ownerOf.get(s.series.key) ?? []))));
  const loneWord = terms.find((s) => !labels.has(s.series.key) && !ownerOf.has(s.series.key));
  const carrier = [...labels]
    .map((l) => byTerm.get(l))
    .filter((s): s is Scored => s !== undefined && loneWord !== undefined && excess(s) >= excess(loneWord))
    .sort((a, b) => excess(b) - excess(a))[0];
  if (carrier) spikingServices.add(carrier.series.key);
  const serviceKeys = [...spikingServices]
    .map((l) => byTerm.get(l))
    .filter((s): s is Scored => s !== undefined)
    .sort((a, b) => excess(b) - excess(a));
  const top = serviceKeys[0] ?? terms[0];
  const strong = (s: Scored) => !top || excess(s) >= excess(top) / 2;
  const keptServices = serviceKeys.filter(strong);
  let words = terms.filter((s) => !labels.has(s.series.key) && !ownerOf.has(s.series.key) && strong(s));
  if (!top && viral) {
    // A viral post alone: the words of its bucket that rose most, spiking or not.
    words = scored
      .filter((s) => s.series.kind === 'term' && !labels.has(s.series.key) && excess(s) >= 1)
      .sort((a, b) => excess(b) - excess(a));
  }
  words = words.slice(0, 5);
  const lead = top ?? (viral as Scored);
  const onset = onsetBuckets(lead, t);
  const regions = spikeRegions(scored, serviceKeys[0]?.series.key ?? null, onset, t);
  const regionScores = scored.filter((s) => s.series.kind === 'region' && regions.includes(s.series.key));
  const servicesOut = keptServices.slice(0, 5).map((s) => s.series.key);
  const termsOut = words.map((s) => s.series.key);
  const named = [...servicesOut, ...termsOut].slice(0, 3);
  const signatureTerms = (servicesOut.length > 0 ? servicesOut : termsOut).slice(0, 3).sort();
  const signature = top ? `${signatureTerms.join(',')}|${regions.join(',')}` : `post:${viral?.series.key ?? ''}|${regions.join(',')}`;
  const head = named.length > 0 ? named.join(', ') : `replies to post ${viral?.series.key ?? ''}`;
  const title = `${top ? 'Spike' : 'Viral post'}: ${head}${regions.length > 0 ? ` (${regions.join(', ')})` : ''}`.slice(0, 200);
  const startBucket = bucketStart(now, t.bucketMinutes).getTime() - (length - 1 - at) * t.bucketMinutes * 60_000;
  const evidenceKeys = [
    ...keptServices,
    ...words,
    ...regionScores,
    ...scored.filter((s) => (s.series.kind === 'channel' || s.series.kind === 'all') && s.spiking),
    ...(viral ? [viral] : []),
  ].slice(0, 20);
  return {
    signature,
    title,
    terms: termsOut,
    services: servicesOut,
    regions,
    startsAt: new Date(startBucket - onset * t.bucketMinutes * 60_000),
    evidence: {
      bucketMinutes: t.bucketMinutes,
      total: lead.current,
      keys: evidenceKeys.map((s) => ({
        kind: s.series.kind,
        key: s.series.key,
        baseline: round(s.baseline),
        current: s.current,
        pValue: s.pValue,
        ratio: round(s.ratio),
        counts: s.series.counts.map((count, i) => ({
          at: new Date(startBucket - (s.at - i) * t.bucketMinutes * 60_000).toISOString(),
          count,
        })),
      })),
      viralPost: viral ? { externalId: viral.series.key, replies: viral.current } : null,
    },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Whether the workspace has history enough to have a baseline: messages in at least half of the
 * baseline's buckets. A workspace that just started (or a test that just seeded it) has none, and
 * everything it gets would look like a spike from zero.
 */
function warmedUp(scored: readonly Scored[], t: DetectorTuning): boolean {
  const busy = new Set<number>();
  for (const s of scored) {
    for (let back = 1; back <= t.baselineBuckets; back++) if ((s.series.counts[s.at - back] ?? 0) > 0) busy.add(back);
  }
  return busy.size >= t.baselineBuckets / 2;
}

/** Folded words of 4+ letters that name exactly one service ("router" -> fibra). */
function serviceOfWord(services: readonly ServiceLabel[]): Map<string, string> {
  const owners = new Map<string, Set<string>>();
  for (const s of services) {
    for (const term of serviceTerms(s)) {
      for (const w of term) if (w.length >= 4 && !STOP_WORDS.has(w)) owners.set(w, (owners.get(w) ?? new Set()).add(s.label));
    }
  }
  return new Map([...owners].flatMap(([w, labels]) => (labels.size === 1 ? [[w, [...labels][0] as string] as const] : [])));
}

/**
 * How many buckets before the spiking one the rise began: going back while a bucket holds more
 * than twice the quiet level (the median of the buckets before the spike, at least 1).
 */
function onsetBuckets(s: Scored, t: DetectorTuning): number {
  const before = s.series.counts.slice(Math.max(0, s.at - t.baselineBuckets), s.at).sort((a, b) => a - b);
  const quiet = Math.max(1, before[Math.floor(before.length / 2)] ?? 0);
  let back = 0;
  while (s.at - back - 1 >= 0 && (s.series.counts[s.at - back - 1] ?? 0) > 2 * quiet) back++;
  return back;
}

/**
 * The regions of a spike led by `service` (its own region keys), or of one of words (all traffic's,
 * when unusual). Each region's rise is counted over the spike so far (from its onset, `onset`
 * buckets back, to the bucket read) against its baseline before it began: the longer the spike,
 * the surer where it is.
 */
function spikeRegions(scored: readonly Scored[], service: string | null, onset: number, t: DetectorTuning): string[] {
  const rises = scored.flatMap((s) => {
    if (s.series.kind !== 'region') return [];
    const own = readServiceRegionKey(s.series.key);
    if (service ? own?.label !== service : own !== null) return [];
    const from = Math.max(0, s.at - onset);
    const baseline = baselineAt(s.series.counts, from, t);
    let count = 0;
    for (let i = from; i <= s.at; i++) count += s.series.counts[i] ?? 0;
    const expected = baseline * (s.at - from + 1);
    const pValue = poissonTail(count, Math.max(expected, 0.5));
    return [{ region: own?.region ?? s.series.key, excess: count - expected, pValue, baseline }];
  });
  return service ? regionsOfRise(rises) : regionsOfRise(rises, t.pValue);
}
