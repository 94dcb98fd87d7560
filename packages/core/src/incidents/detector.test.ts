import { describe, expect, it } from 'vitest';
import { type BucketSeries, bucketKeys, bucketStart, detectSpike } from './detector.ts';
import type { ServiceLabel } from './match.ts';
import { poissonTail } from './poisson.ts';

const services: ServiceLabel[] = [
  { label: 'fibra', terms: ['fibra óptica', 'ftth'] },
  { label: 'móvil', terms: ['cobertura'] },
];
const now = new Date('2026-03-02T10:02:30Z');
const flat = (n: number, value: number) => Array.from({ length: n }, () => value);
const series = (kind: BucketSeries['kind'], key: string, counts: number[]): BucketSeries => ({ kind, key, counts });

/** An hour of quiet and then a bucket of `spike` messages about fibre from Madrid. */
function outage(spike: number, quiet = 2): BucketSeries[] {
  return [
    series('all', 'all', [...flat(13, 30), 30 + spike]),
    series('term', 'fibra', [...flat(13, quiet), quiet + spike]),
    series('term', 'caida', [...flat(13, 0), Math.round(spike * 0.8)]),
    series('term', 'movil', [...flat(13, 5), 6]),
    series('region', 'ES', [...flat(13, 25), 25 + spike]),
    series('region', 'ES-MD', [...flat(13, 4), 4 + spike]),
    // The service's own messages by region: a tenth of them say only "Spain" (a phone number).
    series('region', 'ES/fibra', [...flat(13, quiet), quiet + spike]),
    series('region', 'ES-MD/fibra', [...flat(13, 0), Math.round(spike * 0.9)]),
    series('region', 'ES-CT/fibra', [...flat(13, quiet), quiet]),
    series('channel', 'webform', [...flat(13, 10), 10 + spike]),
  ];
}

describe('detectSpike', () => {
  it('proposes a spike over a flat baseline with its words, its region and the evidence', () => {
    const p = detectSpike(outage(150), now, services);
    expect(p).toMatchObject({
      services: ['fibra'],
      terms: ['caida'],
      regions: ['ES-MD'],
      signature: 'fibra|ES-MD',
      title: 'Spike: fibra, caida (ES-MD)',
      startsAt: new Date('2026-03-02T10:00:00Z'),
    });
    expect(p?.evidence.total).toBe(152);
    const fibra = p?.evidence.keys.find((k) => k.key === 'fibra');
    expect(fibra).toMatchObject({ kind: 'term', current: 152, baseline: 2 });
    expect(fibra?.pValue).toBeLessThan(1e-50);
    expect(fibra?.counts.at(-1)).toEqual({ at: '2026-03-02T10:00:00.000Z', count: 152 });
    expect(fibra?.counts[0]).toEqual({ at: '2026-03-02T08:55:00.000Z', count: 2 });
  });

  it('proposes nothing for a flat series, however busy', () => {
    expect(detectSpike([series('term', 'fibra', flat(14, 400)), series('region', 'ES-MD', flat(14, 400))], now, services)).toBeNull();
  });

  it('proposes nothing for a slow rise over a day', () => {
    // 288 five-minute buckets, from 10 to 130 messages a bucket.
    const rise = Array.from({ length: 288 }, (_, i) => 10 + Math.round((i * 120) / 287));
    expect(detectSpike([series('term', 'fibra', rise)], now, services)).toBeNull();
  });

  it('proposes nothing under minCount, even from zero', () => {
    expect(detectSpike(outage(17, 0), now, services)).toBeNull();
    expect(detectSpike(outage(17, 0), now, services, { minCount: 10 })?.services).toEqual(['fibra']);
  });

  it('needs the Poisson tail to be small: ten times a busy baseline is a spike, 1.4 times is not', () => {
    expect(detectSpike([series('term', 'fibra', [...flat(13, 40), 56])], now, services, { minRatio: 1 })).toBeNull();
    expect(detectSpike([series('term', 'fibra', [...flat(13, 40), 400])], now, services)?.services).toEqual(['fibra']);
  });

  it('proposes nothing without half an hour of history (a workspace just started, a test just seeded)', () => {
    const cold = [series('all', 'all', [...flat(10, 0), 5, 5, 5, 200]), series('term', 'fibra', [...flat(13, 0), 150])];
    expect(detectSpike(cold, now, services)).toBeNull();
  });

  it("takes a word that names a service for that service, and words rising no more than it for the service's", () => {
    const p = detectSpike(
      [
        series('all', 'all', [...flat(13, 100), 180]),
        // Fibre doubles (no spike of its own); its router and the word "quedado" spike beside it.
        series('term', 'fibra', [...flat(13, 40), 80]),
        series('term', 'router', [...flat(13, 2), 40]),
        series('term', 'quedado', [...flat(13, 0), 25]),
      ],
      now,
      [{ label: 'fibra', terms: ['router'] }],
    );
    expect(p).toMatchObject({ services: ['fibra'], terms: ['quedado'], signature: 'fibra|' });
  });

  it('still reports a spike in the bucket before while the newest one is filling', () => {
    const counts = outage(150).map((s) => ({ ...s, counts: [...s.counts, 1] }));
    const p = detectSpike(counts, new Date(now.getTime() + 5 * 60_000), services);
    expect(p?.startsAt).toEqual(new Date('2026-03-02T10:00:00Z'));
  });

  it('dates the start from the first bucket well above the quiet level', () => {
    const rising = [series('term', 'fibra', [...flat(11, 2), 30, 90, 200]), series('region', 'ES-MD', [...flat(11, 3), 30, 90, 200])];
    expect(detectSpike(rising, now, services)?.startsAt).toEqual(new Date('2026-03-02T09:50:00Z'));
  });

  it('leaves out a quieter service rising beside the outage', () => {
    const p = detectSpike([...outage(300), series('term', 'móvil', [...flat(13, 1), 60])], now, services);
    expect(p?.services).toEqual(['fibra']);
  });

  it("finds the region in the service's own messages while the region's everyday traffic hides it", () => {
    const early = [
      series('term', 'fibra', [...flat(13, 3), 33]),
      // Madrid writes 60 a bucket about everything: 25 more is no spike of its own.
      series('region', 'ES', [...flat(13, 200), 230]),
      series('region', 'ES-MD', [...flat(13, 60), 85]),
      series('region', 'ES/fibra', [...flat(13, 3), 33]),
      series('region', 'ES-MD/fibra', [...flat(13, 0), 25]),
      series('region', 'ES-CT/fibra', [...flat(13, 2), 1]),
      series('region', 'ES-AN/fibra', [...flat(13, 1), 3]),
    ];
    expect(detectSpike(early, now, services)).toMatchObject({ regions: ['ES-MD'], signature: 'fibra|ES-MD' });
  });

  /** The service's messages by region: `[rise, usual]` (5 a bucket when only the rise is given). */
  const byRegion = (rises: Record<string, number | [number, number]>) => [
    series('term', 'fibra', [...flat(13, 2), 2 + (typeof rises.ES === 'number' ? rises.ES : 0)]),
    ...Object.entries(rises).map(([r, v]) => {
      const [n, usual] = typeof v === 'number' ? [v, 5] : v;
      return series('region', `${r}/fibra`, [...flat(13, usual), usual + n]);
    }),
  ];

  it('narrows a country to the communities and provinces that hold its rise, where the others are heard from as usual', () => {
    const two = byRegion({ ES: 140, 'ES-MD': 100, 'ES-CT': 40, 'ES-B': 40, 'ES-GI': 0, 'ES-AN': -2 });
    expect(detectSpike(two, now, services)?.regions).toEqual(['ES-B', 'ES-MD']);
    // Most say only "Spain": the few located in Madrid do not make it Madrid's.
    expect(detectSpike(byRegion({ ES: 100, 'ES-MD': 10 }), now, services)?.regions).toEqual(['ES']);
  });

  it('keeps the community while its other provinces are never heard from, or rise unusually too', () => {
    // Girona never writes about fibre: its silence says nothing of where the outage stops.
    expect(detectSpike(byRegion({ ES: 100, 'ES-CT': 100, 'ES-B': 100, 'ES-GI': [0, 0], 'ES-AN': 0 }), now, services)?.regions).toEqual([
      'ES-CT',
    ]);
    // Girona is quiet for once: 6 from a usual 0 is a part of the outage, however small.
    expect(
      detectSpike(byRegion({ ES: 106, 'ES-CT': 106, 'ES-B': 100, 'ES-GI': [6, 0], 'ES-L': 0, 'ES-AN': 0 }), now, services)?.regions,
    ).toEqual(['ES-CT']);
  });

  it('keeps the country when the rise is spread over it', () => {
    const communities = ['ES-MD', 'ES-CT', 'ES-AN', 'ES-VC', 'ES-GA', 'ES-PV', 'ES-CL', 'ES-CM', 'ES-AR', 'ES-EX'];
    const spread = { ES: 240, ...Object.fromEntries(communities.map((c) => [c, 24])) };
    expect(detectSpike(byRegion(spread), now, services)?.regions).toEqual(['ES']);
  });

  it('for a spike of words alone, names the regions whose own traffic rose unusually', () => {
    const words = [
      series('term', 'apagon', [...flat(13, 0), 80]),
      series('region', 'ES', [...flat(13, 100), 180]),
      series('region', 'ES-VC', [...flat(13, 10), 85]),
      series('region', 'ES-V', [...flat(13, 5), 78]),
      series('region', 'ES-A', [...flat(13, 5), 5]),
      series('region', 'ES-MD', [...flat(13, 40), 45]),
    ];
    expect(detectSpike(words, now, [])).toMatchObject({ terms: ['apagon'], services: [], regions: ['ES-V'], signature: 'apagon|ES-V' });
  });

  it('proposes a viral post on its own, with the words that rose with it', () => {
    const p = detectSpike(
      [
        series('post', '1890000000000000001', [...flat(13, 0), 45]),
        series('term', 'caida', [...flat(13, 1), 12]),
        series('term', 'general', [...flat(13, 3), 3]),
      ],
      now,
      services,
    );
    expect(p).toMatchObject({
      signature: 'post:1890000000000000001|',
      terms: ['caida'],
      evidence: { viralPost: { externalId: '1890000000000000001', replies: 45 }, total: 45 },
    });
    expect(p?.title).toBe('Viral post: caida');
    expect(detectSpike([series('post', '1', [...flat(13, 0), 29])], now, services)).toBeNull();
  });
});

describe('bucketKeys', () => {
  it('counts a message under all, its channel, its region and the regions around it, its words, its services (and theirs by region) and its post', () => {
    const keys = bucketKeys(
      {
        text: 'Hola, sin fibrra en casa desde las 9. ¿Caída general? @Soporte',
        channelKind: 'twitter',
        region: 'ES-B',
        repliedToPost: '42',
      },
      services,
    );
    expect(keys).toEqual([
      { kind: 'all', key: 'all' },
      { kind: 'channel', key: 'twitter' },
      { kind: 'region', key: 'ES-B' },
      { kind: 'region', key: 'ES-CT' },
      { kind: 'region', key: 'ES' },
      { kind: 'term', key: 'fibrra' },
      { kind: 'term', key: 'caida' },
      { kind: 'term', key: 'general' },
      { kind: 'term', key: 'fibra' },
      // Where the complaints about the service come from.
      { kind: 'region', key: 'ES-B/fibra' },
      { kind: 'region', key: 'ES-CT/fibra' },
      { kind: 'region', key: 'ES/fibra' },
      { kind: 'post', key: '42' },
    ]);
  });

  it('takes a place the text names for a region unknown or only a country, and never counts a place as a word', () => {
    const keys = (region: string | null) =>
      bucketKeys({ text: 'Sin fibra en Getafe', channelKind: 'whatsapp', region, repliedToPost: null }, [])
        .filter((k) => k.kind !== 'all' && k.kind !== 'channel')
        .map((k) => `${k.kind}:${k.key}`);
    expect(keys('ES')).toEqual(['region:ES-MD', 'region:ES', 'term:fibra']);
    expect(keys(null)).toEqual(['region:ES-MD', 'region:ES', 'term:fibra']);
    // A known subdivision is the customer's own: a town named elsewhere does not move it.
    expect(keys('ES-B')).toEqual(['region:ES-B', 'region:ES-CT', 'region:ES', 'term:fibra']);
  });

  it('counts a province of a single-province community as the community, and at most 12 words', () => {
    const words = 'alfa bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november'.split(' ');
    const keys = bucketKeys({ text: words.join(' '), channelKind: 'email', region: 'ES-M', repliedToPost: null }, []);
    expect(keys.filter((k) => k.kind === 'region').map((k) => k.key)).toEqual(['ES-MD', 'ES']);
    expect(keys.filter((k) => k.kind === 'term')).toHaveLength(12);
  });
});

describe('bucketStart and poissonTail', () => {
  it('cuts time into buckets from the epoch', () => {
    expect(bucketStart(new Date('2026-03-02T10:04:59.999Z'), 5)).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(bucketStart(new Date('2026-03-02T10:05:00Z'), 5)).toEqual(new Date('2026-03-02T10:05:00Z'));
  });

  it('gives the Poisson upper tail', () => {
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // P(X >= 10 | 2) = 4.6e-5
    expect(poissonTail(10, 2)).toBeCloseTo(4.6498e-5, 8);
    expect(poissonTail(60, 0.5)).toBeGreaterThan(0);
    expect(poissonTail(60, 0.5)).toBeLessThan(1e-90);
    expect(poissonTail(5000, 4000)).toBeLessThan(1e-40);
  });
});
