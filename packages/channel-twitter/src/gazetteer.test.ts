import { describe, expect, it } from 'vitest';
import { countryFromLocation, regionFromLocation } from './gazetteer.ts';

// Profile locations as people write them, in several languages.
const plain: [string, string][] = [
  ['Madrid, España', 'ES'],
  ['Paris', 'FR'],
  ['CDMX', 'MX'],
  ['Ciudad de México 🇲🇽', 'MX'],
  ['São Paulo, SP', 'BR'],
  ['Buenos Aires, Argentina', 'AR'],
  ['Bs. As.', 'AR'],
  ['Lisboa 🇵🇹', 'PT'],
  ['london uk', 'GB'],
  ['Glasgow 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'GB'],
  ['EE.UU.', 'US'],
  ['NEW YORK, NY', 'US'],
  ['Toronto, ON', 'CA'],
  ['Montréal (Québec)', 'CA'],
  ['Bilbao, Euskadi', 'ES'],
  ['Catalunya', 'ES'],
  ['Deutschland', 'DE'],
  ['München', 'DE'],
  ['東京, 日本', 'JP'],
  ['Россия', 'RU'],
  ['대한민국', 'KR'],
  ['Türkiye', 'TR'],
  ['Bogotá D.C.', 'CO'],
  ['28013 Madrid', 'ES'],
  ['Based in Berlin', 'DE'],
  ['The Netherlands', 'NL'],
];

// Places that name several countries, or a city next to a country, or a code that could mislead.
const subtle: [string, string | null][] = [
  ['Paris, Texas', 'US'],
  ['Valencia', null],
  ['Valencia, Venezuela', 'VE'],
  ['Georgia', null],
  ['Atlanta, Georgia', 'US'],
  ['Tbilisi, Georgia', 'GE'],
  ['London, ON', 'CA'],
  ['Perth, WA', 'AU'],
  ['Adelaide, SA', 'AU'],
  ['San José', null],
  ['San José, CA', 'US'],
  ['Santiago', null],
  ['Victoria', null],
  ['Melbourne, Victoria', 'AU'],
  ['Victoria, BC', 'CA'],
  ['Granada', null],
  ['Granada, España', 'ES'],
  ['Armenia', null],
  ['Armenia, Colombia', 'CO'],
  ['Florida, Uruguay', 'UY'],
  ['New Mexico', 'US'],
  ['Nuevo León', 'MX'],
  ['Córdoba', null],
  ['Córdoba, España', 'ES'],
  ['Guadalajara', 'MX'],
  ['Springfield, IL', 'US'],
  ['Brooklyn, NY', 'US'],
  ['Perth, TX', null],
  ['Congo', null],
  ['North Korea', 'KP'],
  ['Mexico / USA', null],
  ['Spain & France', null],
  ['Madrid → London', null],
  ['Miami 🇨🇺', null],
  ['🇺🇸🇲🇽', null],
  ['Valencia 🇻🇪', 'VE'],
];

const noise = [
  'Earth',
  'Planet Earth 🌍',
  'worldwide',
  'everywhere',
  'she/her',
  'they/them 🏳️‍🌈',
  '🌍',
  'in your heart',
  'Not in Kansas anymore',
  'https://linktr.ee/someone',
  'www.example.com',
  '@somewhere',
  'Chile lover',
  'Proud Mexican',
  'Latinoamérica',
  'Europe',
  'Hogwarts',
  'Gotham City',
  'CALL ME MAYBE',
  'LOGGED IN',
  'in',
  'me',
  'us',
  'ME',
  'IN',
  '🇪🇺',
  '',
  '   ',
];

describe('countryFromLocation', () => {
  it.each(plain)('maps %j to %s', (location, country) => {
    expect(countryFromLocation(location)).toBe(country);
  });

  it.each(subtle)('maps %j to %s', (location, country) => {
    expect(countryFromLocation(location)).toBe(country);
  });

  it.each(noise)('finds no country in %j', (location) => {
    expect(countryFromLocation(location)).toBeNull();
  });

  it('accepts a missing location', () => {
    expect(countryFromLocation(null)).toBeNull();
    expect(countryFromLocation(undefined)).toBeNull();
  });

  it('ignores case, accents and punctuation', () => {
    for (const spelling of ['MÉXICO', 'méxico', 'Mexico!!', '  mexico.  ', 'México 🇲🇽']) {
      expect(countryFromLocation(spelling)).toBe('MX');
    }
  });

  it('reads abbreviations in capitals only as confirmation, so lower-case words never become codes', () => {
    expect(countryFromLocation('Austin, TX')).toBe('US');
    expect(countryFromLocation('Oslo, NO')).toBe('NO');
    expect(countryFromLocation('no')).toBeNull();
    expect(countryFromLocation('CA')).toBeNull();
  });

  it('answers 10,000 varied locations quickly', () => {
    const samples = [...plain.map(([l]) => l), ...subtle.map(([l]) => l), ...noise];
    const extra = ['Lyon', 'Kraków, Polska', 'Quito', 'Rio', 'Sevilla', 'Dubai, UAE', 'Cape Town', 'Lima - Perú'];
    const locations = Array.from({ length: 10_000 }, (_, i) => {
      const base = samples[i % samples.length] as string;
      return i % 3 === 0 ? `${base}, ${extra[i % extra.length]} ${i}` : base;
    });
    countryFromLocation('warm-up');
    const started = performance.now();
    for (const location of locations) countryFromLocation(location);
    // About 0.3 s on a quiet 2-core machine and 1 s on a loaded one: the bound only catches a
    // quadratic slip, not a slow day.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('regionFromLocation', () => {
  it.each([
    ['Madrid, España', 'ES-MD'],
    ['Getafe, Madrid', 'ES-MD'],
    ['28013 Madrid', 'ES-MD'],
    ['Móstoles', 'ES-MD'],
    ['Sabadell, Barcelona', 'ES-B'],
    ['Bilbao, Euskadi', 'ES-BI'],
    ['Catalunya', 'ES-CT'],
    ['A Coruña', 'ES-C'],
    ['Granada, España', 'ES-GR'],
    ['Valencia, España', 'ES-V'],
    ['Austin, TX', 'US-TX'],
    ['NEW YORK, NY', 'US-NY'],
    ['Toronto, ON', 'CA-ON'],
    ['Perth, WA', 'AU-WA'],
    ['São Paulo, SP', 'BR-SP'],
  ])('maps %j to %s', (location, region) => {
    expect(regionFromLocation(location)).toBe(region);
  });

  it.each([
    // A name known in another country too, or no place at all.
    'Valencia',
    'Granada',
    'Pamplona',
    'Valencia, Venezuela',
    'Madrid / Barcelona',
    'Madrid → London',
    'Paris',
    'España',
    'in your heart',
    '',
  ])('finds no region in %j', (location) => {
    expect(regionFromLocation(location)).toBeNull();
  });
});
