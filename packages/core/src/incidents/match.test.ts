import { describe, expect, it } from 'vitest';
import { withinOneEdit } from './fold.ts';
import { type IncidentCriteria, type MatchFacts, matchIncident, type ServiceLabel } from './match.ts';

const services: ServiceLabel[] = [
  { label: 'fibra', terms: ['fibra óptica', 'FTTH', 'router'] },
  { label: 'móvil', terms: ['cobertura', '4G', '5G'] },
];

const start = new Date('2026-03-02T09:00:00Z');
const incident: IncidentCriteria = {
  id: 'inc-1',
  regions: ['ES-MD'],
  services: ['fibra'],
  keywords: ['sin conexión'],
  languages: [],
  startsAt: start,
  resolvedAt: null,
};
const facts = (text: string, more: Partial<MatchFacts> = {}): MatchFacts => ({
  text,
  language: 'es',
  region: 'ES-MD',
  at: new Date(start.getTime() + 10 * 60_000),
  ...more,
});
const match = (text: string, more: Partial<MatchFacts> = {}, i: Partial<IncidentCriteria> = {}) =>
  matchIncident({ ...incident, ...i }, facts(text, more), services);

describe('matchIncident: words', () => {
  it('links on a service term or keyword, whatever the accents and case', () => {
    expect(match('Me he quedado SIN CONEXION')).toMatchObject({ matched: true, terms: ['sin conexion'], region: 'covered' });
    expect(match('El router parpadea en rojo')).toMatchObject({ matched: true, terms: ['router'] });
    expect(match('No va la Fibra Óptica')).toMatchObject({ matched: true, terms: ['fibra', 'fibra optica'] });
  });

  it('counts a typing error one edit away from a word of five letters or more, and a plural', () => {
    for (const typo of ['fibrra', 'fibar', 'fibr', 'fibras', 'fibrras', 'ruter']) expect(match(`no tengo ${typo}`).matched).toBe(true);
  });

  it('does not count a word two edits away, a stem, or a short term one letter off', () => {
    expect(match('tengo fiebre desde ayer')).toMatchObject({ matched: false, reason: 'no keyword' });
    expect(match('la fibraoptica')).toMatchObject({ matched: false, reason: 'no keyword' });
    expect(matchIncident({ ...incident, keywords: ['ftth'], services: [] }, facts('el fth va mal'), services).matched).toBe(false);
  });

  it("counts only the incident's own services, and needs minHits of them when asked", () => {
    expect(match('sin cobertura 4G')).toMatchObject({ matched: false, reason: 'no keyword' });
    const two = (text: string) => matchIncident(incident, facts(text), services, { minHits: 2 });
    expect(two('sin conexión')).toMatchObject({ matched: false, reason: '1 of 2 keywords' });
    expect(two('sin conexión con el router')).toMatchObject({ matched: true });
  });

  it('without fuzzy matching, a typing error is no hit', () => {
    expect(matchIncident(incident, facts('no tengo fibrra'), services, { fuzzy: false }).matched).toBe(false);
  });
});

describe('matchIncident: region', () => {
  it('links a conversation whose region is covered, and one whose text names a covered place', () => {
    expect(match('sin fibra', { region: 'ES-M' }).region).toBe('covered');
    expect(match('sin fibra en Getafe', { region: 'ES-CT' })).toMatchObject({ matched: true, region: 'named' });
  });

  it('links an unknown region on its words alone, unless the incident requires a region', () => {
    expect(match('sin fibra', { region: null })).toMatchObject({ matched: true, region: 'unknown' });
    // A phone number's country says no more than "somewhere in Spain".
    expect(match('sin fibra', { region: 'ES' })).toMatchObject({ matched: true, region: 'unknown' });
    const strict = matchIncident(incident, facts('sin fibra', { region: null }), services, { requireRegion: true });
    expect(strict).toMatchObject({ matched: false, reason: 'region unknown' });
  });

  it('does not link a region outside, nor a text naming only places outside', () => {
    expect(match('sin fibra', { region: 'ES-CT' })).toMatchObject({
      matched: false,
      region: 'outside',
      reason: 'region ES-CT is outside ES-MD',
    });
    expect(match('sin fibra en Sevilla', { region: null })).toMatchObject({ matched: false, region: 'outside' });
    expect(match('sin fibra en Sevilla', { region: null }, { regions: [] })).toMatchObject({ matched: true, region: 'any' });
  });
});

describe('matchIncident: time and language', () => {
  it('links messages from 30 minutes before the start until it is resolved', () => {
    expect(match('sin fibra', { at: new Date(start.getTime() - 29 * 60_000) }).matched).toBe(true);
    expect(match('sin fibra', { at: new Date(start.getTime() - 31 * 60_000) })).toMatchObject({
      matched: false,
      reason: 'written before the window',
    });
    const resolved = { resolvedAt: new Date(start.getTime() + 5 * 60_000) };
    expect(match('sin fibra', {}, resolved)).toMatchObject({ matched: false, reason: 'written after the incident was resolved' });
  });

  it("keeps to the incident's languages when it lists any and the message's is known", () => {
    const spanish = { languages: ['es'] };
    expect(match('sin fibra', { language: 'en' }, spanish)).toMatchObject({ matched: false, reason: 'language en' });
    expect(match('sin fibra', { language: 'es-ES' }, spanish).matched).toBe(true);
    expect(match('sin fibra', { language: null }, spanish).matched).toBe(true);
  });
});

describe('withinOneEdit', () => {
  it('allows one change, insertion, deletion or swap of neighbours', () => {
    for (const w of ['fibra', 'fibre', 'fibrra', 'fibr', 'fbira', 'ifbra']) expect(withinOneEdit(w, 'fibra')).toBe(true);
    for (const w of ['fiebre', 'libre', 'fibrass', 'bfira']) expect(withinOneEdit(w, 'fibra')).toBe(false);
  });
});
