import { placesIn, regionCovers } from '@centralita/core';
import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { createOutage, type OutageContact } from './generate.ts';
import { editDistance, fold, termsNamed, wordsOf } from './text-tools.ts';

// The simulated outage's generator: what the end-to-end test and the bench score against has to
// be what the header of generate.ts says it is, or their precision and recall mean nothing.
const start = new Date('2026-03-02T09:00:00Z');
const outage = createOutage({ seed: 16, outage: 2_000, unrelated: 2_000, start });
const outages = outage.contacts.filter((c) => c.label === 'outage');
const unrelated = outage.contacts.filter((c) => c.label === 'unrelated');

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('the simulated outage', () => {
  it('is the same for the same seed and different for another', () => {
    const again = createOutage({ seed: 16, outage: 2_000, unrelated: 2_000, start });
    expect(again.contacts).toEqual(outage.contacts);
    const other = createOutage({ seed: 17, outage: 2_000, unrelated: 2_000, start });
    expect(other.contacts.map((c) => c.text)).not.toEqual(outage.contacts.map((c) => c.text));
  });

  it('holds exactly the contacts asked for, in the documented mix of channels and kinds', () => {
    expect([outages.length, unrelated.length]).toEqual([2_000, 2_000]);
    expect(countBy(outages, (c) => c.channel)).toEqual({ webform: 500, email: 400, x_post: 500, x_dm: 200, whatsapp: 400 });
    expect(countBy(unrelated, (c) => c.channel)).toEqual({ webform: 500, email: 400, x_post: 500, x_dm: 200, whatsapp: 400 });
    expect(countBy(outages, (c) => c.kind)).toEqual({ plain: 600, misspelled: 400, slang: 300, town: 300, no_region: 200, english: 200 });
    expect(countBy(unrelated, (c) => c.kind)).toEqual({
      other_service: 700,
      outage_like: 240,
      near_miss: 200,
      other_language: 260,
      other_region: 300,
      general: 300,
    });
    expect(new Set(outage.contacts.map((c) => c.id)).size).toBe(4_000);
  });

  it('gives every channel its own shape', () => {
    const mention = /^@acme_help /;
    for (const c of outage.contacts) {
      if (c.channel === 'x_post') {
        expect(c.text).toMatch(mention);
        expect(c.text.length).toBeLessThanOrEqual(280);
      }
      if (c.channel === 'x_post' || c.channel === 'x_dm') expect(c.x?.username).toMatch(/^[a-z0-9_]{1,15}$/);
      else expect(c.x).toBeNull();
      if (c.channel === 'email') expect(c.subject).toBeTruthy();
      if (c.channel === 'email' || c.channel === 'webform')
        expect(c.email).toMatch(/^[a-z.0-9]+@(example\.(com|net|org)|[a-z]+\.example)$/);
      if (c.channel === 'webform') {
        expect(c.country).toMatch(/^(ES|PT)$/);
        if (c.region !== null) expect(c.region).toMatch(/^ES-[A-Z]{2}$/);
      } else expect([c.region, c.country]).toEqual([null, null]);
      if (c.channel === 'whatsapp') {
        const phone = parsePhoneNumberWithError(c.whatsapp?.phone ?? '');
        expect([phone.country, phone.isValid(), phone.getType()], c.whatsapp?.phone).toEqual(['ES', true, 'MOBILE']);
      } else expect(c.whatsapp).toBeNull();
    }
    // One contact each: no two share an address, a username or a phone.
    for (const key of [(c: OutageContact) => c.email, (c: OutageContact) => c.x?.username, (c: OutageContact) => c.whatsapp?.phone]) {
      const values = outage.contacts.map(key).filter((v) => v);
      expect(new Set(values).size).toBe(values.length);
    }
    // Where the outage's contacts are comes from every source the issue names.
    const outageForms = outages.filter((c) => c.channel === 'webform');
    expect(outageForms.filter((c) => c.region === 'ES-MD').length).toBeGreaterThan(100);
    expect(outageForms.filter((c) => c.region === null).length).toBeGreaterThan(100);
    const profiles = new Set(outages.flatMap((c) => (c.x ? [c.x.location] : [])));
    for (const p of ['Getafe', 'Madrid, España', '', '🌍']) expect(profiles).toContain(p);
  });

  it('has every outage message name the service (if misspelled, one edit off) and no unrelated one, unless it is elsewhere', () => {
    const terms = outage.service.terms;
    for (const c of outages) expect(termsNamed(`${c.subject ?? ''} ${c.text}`, terms), c.text).not.toEqual([]);
    for (const c of unrelated) {
      const named = termsNamed(`${c.subject ?? ''} ${c.text}`, terms);
      if (c.kind === 'other_region') {
        expect(named, c.text).not.toEqual([]);
        expect(c.regionHint, c.text).toMatch(/^ES-(CT|AN|PV|AR)$/);
      } else expect(named, c.text).toEqual([]);
    }
    // Where only the text tells (email, WhatsApp), Centralita's own reading of places must agree
    // with the label, or a linking score would measure the generator instead of the product.
    for (const c of outage.contacts.filter((x) => (x.channel === 'email' || x.channel === 'whatsapp') && x.regionHint?.startsWith('ES-'))) {
      const named = placesIn(`${c.subject ?? ''} ${c.text}`);
      expect(
        named.some((p) => regionCovers(c.regionHint as string, p)),
        `${c.text} -> ${named.join(', ')}`,
      ).toBe(true);
    }
    for (const c of outage.contacts.filter((x) => (x.channel === 'email' || x.channel === 'whatsapp') && x.regionHint === null)) {
      expect(
        placesIn(`${c.subject ?? ''} ${c.text}`).filter((p) => p.includes('-')),
        c.text,
      ).toEqual([]);
    }
    const places = countBy(outages, (c) => c.regionHint ?? 'none');
    expect(places['ES-MD']).toBeGreaterThan(1_200);
    expect(Object.keys(places).sort()).toEqual(['ES-MD', 'none']);
  });

  it('misspells by exactly one edit, and near misses stay two edits from every word of the service', () => {
    const misspelled = outages.filter((c) => c.kind === 'misspelled');
    expect(misspelled.every((c) => c.misspelling !== null)).toBe(true);
    for (const c of misspelled) {
      const m = c.misspelling as { word: string; of: string };
      expect(editDistance(m.word, m.of), m.word).toBe(1);
      expect(wordsOf(c.text)).toContain(m.word);
      // The subject must not give the service away: the body alone has to match.
      expect(termsNamed(c.subject ?? '', outage.service.terms)).toEqual([]);
    }
    expect(new Set(misspelled.map((c) => c.misspelling?.word)).size).toBeGreaterThan(20);
    const words = outage.service.terms.map(fold).filter((t) => !t.includes(' '));
    for (const c of unrelated.filter((u) => u.kind === 'near_miss')) {
      for (const w of wordsOf(c.text)) for (const t of words) expect(editDistance(w, t), `${w} ~ ${t}`).toBeGreaterThanOrEqual(2);
    }
    expect(unrelated.some((c) => wordsOf(c.text).includes('fiebre'))).toBe(true);
  });

  it('rises in a spike over a quiet baseline', () => {
    const minute = (c: OutageContact) => (c.at.getTime() - start.getTime()) / 60_000;
    expect(outages.every((c) => minute(c) >= 0 && minute(c) <= 30)).toBe(true);
    expect(unrelated.every((c) => minute(c) >= -60 && minute(c) <= 30)).toBe(true);
    const buckets = (items: OutageContact[]) =>
      Array.from({ length: 6 }, (_, i) => items.filter((c) => Math.floor(minute(c) / 5) === i).length);
    const spike = buckets(outages);
    for (let i = 1; i < spike.length; i++) expect(spike[i], `bucket ${i} of ${spike.join(', ')}`).toBeGreaterThan(spike[i - 1] as number);
    // The baseline's five minutes hold about a twelfth of the unrelated hour: no spike of their own.
    const before = Array.from({ length: 12 }, (_, i) => unrelated.filter((c) => Math.floor(minute(c) / 5) === i - 12).length);
    expect(Math.max(...before) / Math.min(...before)).toBeLessThan(2);
    expect(outage.contacts.map((c) => c.at.getTime())).toEqual(outage.contacts.map((c) => c.at.getTime()).sort((a, b) => a - b));
  });

  it('refuses a region or a service it has no words for', () => {
    expect(() => createOutage({ seed: 1, outage: 1, unrelated: 1, start, region: 'FR-IDF' })).toThrow(/no places known for region FR-IDF/);
    expect(() => createOutage({ seed: 1, outage: 1, unrelated: 1, start, service: 'gas' })).toThrow(/no phrases for service gas/);
  });
});
