import { regionAncestors } from './places.ts';

// Where a spike is. A region key counts everything written from there, so early in an outage its
// rise drowns in the region's everyday traffic; the region keys of a service's own messages
// ("ES-MD/fibra") show at once where the complaints about it come from.

/** The bucket key of a service's messages from one region: "ES-MD/fibra". */
export function serviceRegionKey(region: string, label: string): string {
  return `${region}/${label}`;
}

/** The region and the service of a service region key; null for a plain region key ("ES-MD"). */
export function readServiceRegionKey(key: string): { region: string; label: string } | null {
  const slash = key.indexOf('/');
  return slash < 0 ? null : { region: key.slice(0, slash), label: key.slice(slash + 1) };
}

/** One region's rise in the bucket read: its count less its baseline, and how unlikely it is (Poisson tail). */
export interface RegionRise {
  region: string;
  excess: number;
  pValue: number;
  /** What the bucket usually holds. */
  baseline: number;
}

/**
 * A country's communities must hold this share of its located rise to replace it; a community's
 * provinces more, since an outage of a whole community reaches its smaller provinces last.
 */
const NARROW_SHARE = { country: 0.7, community: 0.9 };
/** A part rising this unlikely is part of the spike: while it is not named, its parent is kept. */
const PART_P_VALUE = 1e-3;
/** ...and the located rise must be this share of the region's own (the rest says only "Spain"). */
const LOCATED_SHARE = 0.2;
/** A country is named when it holds this share of the rise of all the countries. */
const COUNTRY_SHARE = 0.25;
/** A subdivision is named when it holds this share of its parent's located rise. */
const PART_SHARE = 0.15;
const MAX_REGIONS = 10;

/**
 * The regions of a spike, narrowest where the rise is: a country holding a quarter of the rise;
 * within it, the communities that together hold 70% of the rise located in its communities (each
 * at least 15% of it) replace it, and within a community its provinces when they hold 90%; never
 * while another part rises unusually too (P <= 0.001), which makes it the parent's, nor when the
 * other parts are not usually heard from at all (with no baseline, their silence proves nothing:
 * the outage may just not have reached them yet). Messages that
 * say only the country (a phone number's) do not widen it back to the country, unless they are
 * four fifths of it. Rises over the parts are summed with their signs, so noise in quiet regions
 * cancels out.
 * With `pValue`, a region must also be that unlikely to count (plain region keys, which carry
 * unrelated traffic); a service's own region keys need no such test.
 */
export function regionsOfRise(rises: readonly RegionRise[], pValue?: number): string[] {
  const rising = new Set(rises.filter((r) => r.excess >= 1 && (pValue === undefined || r.pValue <= pValue)).map((r) => r.region));
  const parentOf = (region: string) => regionAncestors(region)[0];
  const excessOf = (list: readonly RegionRise[]) => list.reduce((sum, r) => sum + r.excess, 0);
  const narrow = (r: RegionRise): string[] => {
    const parts = rises.filter((c) => parentOf(c.region) === r.region);
    const located = excessOf(parts);
    const named = parts
      .filter((c) => rising.has(c.region) && c.excess >= PART_SHARE * Math.max(located, 1))
      .sort((a, b) => b.excess - a.excess)
      .slice(0, MAX_REGIONS);
    const held = excessOf(named);
    const share = parentOf(r.region) === undefined ? NARROW_SHARE.country : NARROW_SHARE.community;
    const unnamed = parts.some((c) => c.excess >= 1 && c.pValue <= PART_P_VALUE && !named.includes(c));
    const quietOthers = parts.filter((c) => !named.includes(c)).reduce((sum, c) => sum + c.baseline, 0) >= 1;
    const narrows =
      named.length > 0 && !unnamed && quietOthers && located >= LOCATED_SHARE * r.excess && held >= share * Math.max(located, held);
    return narrows ? named.flatMap(narrow) : [r.region];
  };
  // The widest rising regions: those with no rising region around them.
  const roots = rises.filter((r) => rising.has(r.region) && !regionAncestors(r.region).some((a) => rising.has(a)));
  const total = excessOf(roots.filter((r) => parentOf(r.region) === undefined));
  return roots
    .filter((r) => parentOf(r.region) !== undefined || r.excess >= COUNTRY_SHARE * total)
    .flatMap(narrow)
    .slice(0, MAX_REGIONS)
    .sort();
}
