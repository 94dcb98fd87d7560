import { placesIn, regionCovers } from '@centralita/core';
import cityTimezones from 'city-timezones';
import countries, { type LocaleData } from 'i18n-iso-countries';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import ca from 'i18n-iso-countries/langs/ca.json' with { type: 'json' };
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import it from 'i18n-iso-countries/langs/it.json' with { type: 'json' };
import ja from 'i18n-iso-countries/langs/ja.json' with { type: 'json' };
import ko from 'i18n-iso-countries/langs/ko.json' with { type: 'json' };
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' };
import pl from 'i18n-iso-countries/langs/pl.json' with { type: 'json' };
import pt from 'i18n-iso-countries/langs/pt.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import sv from 'i18n-iso-countries/langs/sv.json' with { type: 'json' };
import tr from 'i18n-iso-countries/langs/tr.json' with { type: 'json' };
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' };

/**
 * The ISO 3166-1 alpha-2 country a free-text X profile location clearly names, or null.
 * Offline data only (country names in 16 languages, US/CA/AU/ES/MX/BR subdivisions, about 7,300
 * cities, flag emoji); a country named in the text beats a city ("Paris, Texas" is US), an
 * ambiguous name is null ("Georgia", "Valencia"), and so is anything that is not plainly a place
 * ("Earth", "she/her", "in your heart"). It never derives a timezone.
 * @example countryFromLocation('Madrid, España') // 'ES'
 */
export function countryFromLocation(location: string | null | undefined): string | null {
  if (!location) return null;
  const text = location.slice(0, MAX_INPUT);
  const flags = flagCountries(text);
  const found = resolve(readHits(text, gazetteer()));
  if (found === 'conflict') return null;
  let candidates = found?.candidates;
  if (flags.size > 0) candidates = candidates ? intersect(candidates, flags) : flags;
  if (!candidates || candidates.size === 0) return null;
  const country = candidates.size === 1 ? [...candidates][0] : found?.populations && dominant(candidates, found.populations);
  return isIso(country) ? country : null;
}

/**
 * The ISO 3166-2 subdivision a profile location clearly names, or null: for Spain its community
 * or province (core's `placesIn`: "Getafe, Madrid" -> 'ES-MD', "Bilbao" -> 'ES-BI'); for the US,
 * Canada, Australia and Brazil a state or province named or abbreviated on its own after a comma
 * ("Austin, TX" -> 'US-TX'). Only when `countryFromLocation` finds that country, or, for Spanish
 * towns the city data lacks ("Móstoles"), when every part of the location is a Spanish place known
 * nowhere else ("Pamplona" is also in Colombia: null); and only when every place named lies in one
 * line ("Madrid / Barcelona" is null).
 * @example regionFromLocation('Sabadell, Barcelona') // 'ES-B'
 */
export function regionFromLocation(location: string | null | undefined): string | null {
  if (!location) return null;
  const text = location.slice(0, MAX_INPUT);
  const country = countryFromLocation(text);
  if (!country && !onlySpanishPlaces(text)) return null;
  const codes =
    !country || country === 'ES' ? placesIn(text, { location: true }).filter((c) => c.startsWith('ES-')) : subdivisionsNamed(text, country);
  // The deepest place that all the others contain; a single-province community names its province too.
  return codes.find((c) => codes.every((o) => regionCovers(o, c))) ?? null;
}

/** Whether each part of a location names a Spanish place that the city data knows in no other country. */
function onlySpanishPlaces(text: string): boolean {
  const segments = text.split(SEGMENT_BREAK).filter((s) => /\p{L}/u.test(s));
  return (
    segments.length > 0 &&
    segments.every((s) => {
      const known = gazetteer().places.get(phrase(s));
      const abroad = known && [...known.countries, ...known.regions, ...known.cities.keys()].some((c) => c !== 'ES');
      const places = placesIn(s, { location: true });
      return !abroad && places.length > 0 && places.every((c) => c.startsWith('ES-'));
    })
  );
}

/** The ISO 3166-2 codes of REGIONS entries with a code (US, CA, AU, BR) that a location names. */
function subdivisionsNamed(text: string, country: string): string[] {
  const entries = REGIONS[country];
  if (!entries || !['US', 'CA', 'AU', 'BR'].includes(country)) return [];
  const found = new Set<string>();
  const segments = text.split(SEGMENT_BREAK).map((s) => s.trim());
  const folded = ` ${phrase(text)} `;
  for (const entry of entries.split('|')) {
    const [names = '', abbreviations = ''] = entry.split('=');
    const codes = abbreviations.split('/').filter(Boolean);
    // "=AM/AC/PA": codes without names, each its own; else the first is the code, the rest spellings.
    if (names === '') for (const c of codes) if (segments.includes(c)) found.add(`${country}-${c}`);
    const [code] = codes;
    if (!code || names === '') continue;
    if (names.split('/').some((n) => folded.includes(` ${phrase(n)} `)) || codes.some((a) => segments.includes(a)))
      found.add(`${country}-${code}`);
  }
  return [...found];
}

const MAX_INPUT = 200;
/** A city name picks its largest country only when that one is this many times the next. */
const DOMINANCE = 5;
/** A city this large makes a country or region of the same name ambiguous ("Granada", "Armenia"). */
const SIGNIFICANT_CITY = 100_000;

const LOCALES: LocaleData[] = [en, es, pt, fr, de, it, nl, ca, sv, pl, tr, ru, ja, zh, ko, ar];

// Common ways of writing a country that the locale data lacks, or spells only as a code.
const COUNTRY_ALIASES: Record<string, string> = {
  US: 'usa/eeuu/ee uu/eua/united states/estados unidos de america/etats unis/stati uniti/vereinigte staaten',
  GB: 'uk/great britain/britain/england/scotland/wales/northern ireland/gran bretana/inglaterra/escocia/irlanda del norte/angleterre/ecosse/pays de galles/grande bretagne/inghilterra/scozia',
  NL: 'holland/holanda/hollande/olanda',
  AE: 'uae/emirates/emiratos/emirados',
  SA: 'ksa',
  KR: 'south korea/corea del sur/coreia do sul/coree du sud/sudkorea/corea del sud',
  KP: 'north korea/corea del norte/coreia do norte/coree du nord/nordkorea/corea del nord',
  LA: 'laos',
  MM: 'burma/birmania',
  VA: 'vatican/vatican city/vaticano',
  CZ: 'chequia/republica checa',
  SZ: 'swaziland',
  TL: 'east timor/timor oriental',
  DO: 'rep dom',
};

// Written in capitals only: in lower case these are words ("us", "eau").
const UPPER_ALIASES: Record<string, string> = { US: 'US', AE: 'EAU', ZA: 'RSA', DO: 'RD', CD: 'RDC' };

// Subdivisions: "name/other name=ABBR/ABBR". Names are matched like country names; abbreviations
// only in capitals, and only to confirm another place ("Austin, TX") since many are also codes.
const REGIONS: Record<string, string> = {
  US: 'Alabama=AL|Alaska=AK|Arizona=AZ|Arkansas=AR|California=CA|Colorado=CO|Connecticut=CT|Delaware=DE|Florida=FL|Georgia=GA|Hawaii=HI|Idaho=ID|Illinois=IL|Indiana=IN|Iowa=IA|Kansas=KS|Kentucky=KY|Louisiana=LA|Maine=ME|Maryland=MD|Massachusetts=MA|Michigan=MI|Minnesota=MN|Mississippi=MS|Missouri=MO|Montana=MT|Nebraska=NE|Nevada=NV|New Hampshire=NH|New Jersey/Nueva Jersey=NJ|New Mexico/Nuevo Mexico=NM|New York/Nueva York/Nova York/Nova Iorque/NYC=NY|North Carolina/Carolina del Norte=NC|North Dakota=ND|Ohio=OH|Oklahoma=OK|Oregon=OR|Pennsylvania/Pensilvania=PA|Rhode Island=RI|South Carolina/Carolina del Sur=SC|South Dakota=SD|Tennessee=TN|Texas/Tejas=TX|Utah=UT|Vermont=VT|Virginia=VA|Washington/Washington State=WA|West Virginia=WV|Wisconsin=WI|Wyoming=WY|District of Columbia/Washington DC=DC|Bay Area/SoCal/NorCal/Pacific Northwest/PNW/Silicon Valley/New England/Midwest',
  CA: 'Ontario=ON|Quebec=QC|British Columbia/Colombie Britannique=BC|Alberta=AB|Manitoba=MB|Saskatchewan=SK|Nova Scotia/Nouvelle Ecosse=NS|New Brunswick/Nouveau Brunswick=NB|Newfoundland/Newfoundland and Labrador/Terre Neuve=NL|Prince Edward Island=PE/PEI|Yukon=YT|Northwest Territories=NT|Nunavut=NU',
  AU: 'New South Wales=NSW|Queensland=QLD|Western Australia=WA|South Australia=SA|Tasmania=TAS|Northern Territory=NT|Australian Capital Territory=ACT|Victoria=VIC',
  ES: 'Andalucia/Andalusia/Andalousie|Aragon|Asturias|Baleares/Islas Baleares/Illes Balears/Balearic Islands/Mallorca/Ibiza/Menorca|Canarias/Islas Canarias/Canary Islands/Tenerife/Gran Canaria/Lanzarote|Cantabria|Castilla La Mancha|Castilla y Leon|Cataluna/Catalunya/Catalonia/Catalogne|Comunidad Valenciana/Comunitat Valenciana/Pais Valencia|Extremadura|Galicia/Galiza|Comunidad de Madrid|Region de Murcia|Navarra/Nafarroa|Pais Vasco/Euskadi/Basque Country|La Rioja|Ceuta|Melilla',
  MX: 'Aguascalientes|Baja California|Baja California Sur|Campeche|Chiapas|Chihuahua|Coahuila|Colima|Durango|Guanajuato|Guerrero|Hidalgo|Jalisco|Estado de Mexico/Edomex|Michoacan|Morelos|Nayarit|Nuevo Leon|Oaxaca|Puebla|Queretaro|Quintana Roo|San Luis Potosi|Sinaloa|Sonora|Tabasco|Tamaulipas|Tlaxcala|Veracruz|Yucatan|Zacatecas|Ciudad de Mexico/CDMX=DF',
  BR: 'Alagoas=AL|Amapa=AP|=AM/AC/PA|Bahia=BA|Ceara=CE|=DF|Espirito Santo=ES|Goias=GO|Maranhao=MA|Mato Grosso=MT|Mato Grosso do Sul=MS|Minas Gerais=MG|Paraiba=PB|Parana=PR|Pernambuco=PE|Piaui=PI|Rio Grande do Norte=RN|Rio Grande do Sul=RS|Rondonia=RO|Roraima=RR|Santa Catarina=SC|Sergipe=SE|Tocantins=TO|=RJ/SP',
  AR: 'CABA/Capital Federal/Bs As/BsAs',
  CO: '=DC',
};

// Local names of large cities the city data spells in English: "exonym/exonym>name in the data".
const CITY_EXONYMS =
  'londres/londra>london|nueva york/nova iorque/nova york>new york|roma>rome|lisboa>lisbon|sevilla>seville|munchen/munich/munique/monaco di baviera>munich|koln>cologne|viena/wien/vienne>vienna|ginebra/geneve/genf/ginevra>geneva|bruselas/bruxelles/brussel/bruxelas>brussels|moscu/moscou/moskau/mosca/moskva>moscow|pekin/pequim/pechino>beijing|tokio/toquio>tokyo|atenas/athenes/atene/athen>athens|estambul/istambul>istanbul|el cairo/le caire/il cairo>cairo|nueva delhi/nova deli>new delhi|varsovia/varsovie/warschau/varsavia>warsaw|praga/prag>prague|estocolmo>stockholm|copenhague/kopenhagen/copenaghen>copenhagen|la habana/habana>havana|ciudad de mexico>mexico city|milan/milano>milan|turin/torino>turin|napoles/napoli>naples|florencia/firenze/florenca>florence|venecia/venezia/veneza>venice|marsella>marseille|filadelfia>philadelphia|nueva orleans>new orleans|warszawa>warsaw|den haag/la haya>the hague|san petersburgo/saint petersburg/sankt peterburg/saint petersbourg/санкт петербург>st petersburg|москва>moscow|東京>tokyo|서울>seoul|北京>beijing|上海>shanghai';

// Words that may sit beside a place name without making the text something else than a place.
const FILLERS = new Set(
  'in en em no na from de del desde da do das dos du des d l la le les el los las lo the of and y e et und i a al au aux im am based living live lives born raised near cerca around greater area metro metropolitan region zona zone city ciudad cidade ville stadt currently now ahora actualmente originally somewhere viviendo vivo moro vivendo'.split(
    ' ',
  ),
);

/** Assigned ISO 3166-1 alpha-2 codes: not XK (user-assigned, Kosovo), nor the city data's -99. */
const isIso = (code: unknown): code is string =>
  typeof code === 'string' && /^[A-Z]{2}$/.test(code) && code !== 'XK' && countries.isValid(code);
// Kosovo is indexed like a country so that "Pristina, Kosovo" is not read as a guess elsewhere,
// and then answered with null, as it has no ISO 3166-1 code.
const KOSOVO = 'XK';
const isIndexed = (code: unknown): code is string => code === KOSOVO || isIso(code);

interface Place {
  countries: Set<string>;
  regions: Set<string>;
  /** Country -> population of its largest city of this name. */
  cities: Map<string, number>;
}

interface Gazetteer {
  places: Map<string, Place>;
  /** Capitalised tokens that name a country on their own ("US"). */
  upper: Map<string, string>;
  /** Capitalised codes and abbreviations that only confirm: "CA" is Canada or California. */
  weak: Map<string, Set<string>>;
  longest: number;
}

let built: Gazetteer | undefined;

// Built on first use: about 20,000 names, in well under 100 ms.
function gazetteer(): Gazetteer {
  if (built) return built;
  const places = new Map<string, Place>();
  const place = (name: string): Place => {
    const key = phrase(name);
    const known = places.get(key);
    if (known) return known;
    const fresh: Place = { countries: new Set(), regions: new Set(), cities: new Map() };
    places.set(key, fresh);
    return fresh;
  };
  const addCity = (cities: Map<string, number>, code: string, pop: number) => {
    cities.set(code, Math.max(cities.get(code) ?? 0, pop));
  };
  const weak = new Map<string, Set<string>>();
  const addWeak = (abbr: string, code: string) => {
    weak.set(abbr, (weak.get(abbr) ?? new Set<string>()).add(code));
  };

  for (const locale of LOCALES) countries.registerLocale(locale);
  for (const locale of LOCALES) {
    for (const [code, names] of Object.entries(countries.getNames(locale.locale, { select: 'all' }))) {
      if (!isIndexed(code)) continue;
      // "US", "U.S.A.": codes are matched by case below, never as lower-case words.
      for (const name of names) if (!/^[A-Z.\s]{1,6}$/.test(name)) place(name).countries.add(code);
    }
  }
  for (const [code, names] of Object.entries(COUNTRY_ALIASES)) {
    for (const name of names.split('/')) place(name).countries.add(code);
  }
  for (const [code, entries] of Object.entries(REGIONS)) {
    for (const entry of entries.split('|')) {
      const [names = '', abbreviations = ''] = entry.split('=');
      for (const name of names.split('/').filter(Boolean)) place(name).regions.add(code);
      for (const abbr of abbreviations.split('/').filter(Boolean)) addWeak(abbr, code);
    }
  }
  for (const [alpha2, alpha3] of Object.entries(countries.getAlpha2Codes())) {
    if (!isIso(alpha2)) continue;
    addWeak(alpha2, alpha2);
    addWeak(alpha3, alpha2);
  }
  for (const city of cityTimezones.cityMapping) {
    const code = city.iso3 === 'KOS' ? KOSOVO : city.iso2;
    if (!isIndexed(code)) continue;
    for (const name of new Set([city.city, city.city_ascii])) {
      const key = phrase(name);
      // Two-letter names ("Ho") would read as codes or words.
      if (key.length >= 3 && !FILLERS.has(key)) addCity(place(name).cities, code, city.pop);
    }
  }
  for (const entry of CITY_EXONYMS.split('|')) {
    const [exonyms = '', name = ''] = entry.split('>');
    const known = places.get(phrase(name))?.cities ?? new Map<string, number>();
    for (const exonym of exonyms.split('/')) {
      for (const [code, pop] of known) addCity(place(exonym).cities, code, pop);
    }
  }
  const upper = new Map(Object.entries(UPPER_ALIASES).map(([code, token]) => [token, code]));
  const longest = Math.max(...[...places.keys()].map((k) => k.split(' ').length));
  built = { places, upper, weak, longest: Math.min(longest, 8) };
  return built;
}

/** How much a hit says: a country name beats a region, which beats a city, which beats a code. */
const Tier = { country: 1, region: 2, city: 3, code: 4 } as const;

interface Hit {
  tier: number;
  /** The countries this hit means. */
  codes: Set<string>;
  /** Those and any other country that has a city of that name ("Florida" is also in Uruguay). */
  wide: Set<string>;
  populations?: Map<string, number>;
  /** The hit is all its segment says ("NY" in "Brooklyn, NY"). */
  whole: boolean;
}

// Segment separators: commas, slashes, bars, brackets, arrows, spaced dashes, bullets, quotes.
const SEGMENT_BREAK = /[,;|/\\·•()[\]{}<>«»"“”„!?¡¿\n\r]+|\s[-–—~]+\s|[–—→⇒➡↔]|->|=>|\s[&+]\s/u;
const URL =
  /\b(?:https?:\/\/|www\.)\S*|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|io|me|co|ly|ee|app|dev|gg|tv|link|xyz|info|bio|page|site|online|store|shop)\b\S*/giu;
const HANDLE = /@\w+/gu;
// "U.S.A.", "EE.UU.", "D.C." read as one token.
const DOTTED = /(?<!\p{L})(?:\p{L}{1,2}\.)+\p{L}{1,2}\.?(?!\p{L})/gu;
const TOKEN = /[\p{L}\p{N}]+/gu;

function readHits(text: string, g: Gazetteer): { hits: Hit[]; segments: number } {
  const cleaned = text
    .replace(URL, ' ')
    .replace(HANDLE, ' ')
    .replace(DOTTED, (m) => m.replaceAll('.', ''));
  const segments = cleaned
    .split(SEGMENT_BREAK)
    .map((s) => s.match(TOKEN) ?? [])
    .filter((t) => t.length > 0);
  const hits: Hit[] = [];
  for (const raw of segments) hits.push(...segmentHits(raw, g));
  return { hits, segments: segments.length };
}

/** The places one segment names, or none when anything else in it is not a filler word. */
function segmentHits(raw: string[], g: Gazetteer): Hit[] {
  const folded = raw.map(fold);
  const hits: Hit[] = [];
  for (let i = 0; i < raw.length; ) {
    const n = matchAt(raw, folded, i, g, hits);
    if (n > 0) {
      i += n;
      continue;
    }
    const word = folded[i] as string;
    if (!FILLERS.has(word) && !/^\p{N}+$/u.test(word)) return [];
    i++;
  }
  if (raw.length === 1) for (const h of hits) h.whole = true;
  return hits;
}

/** Matches the longest place name starting at token i; returns how many tokens it took. */
function matchAt(raw: string[], folded: string[], i: number, g: Gazetteer, hits: Hit[]): number {
  const token = raw[i] as string;
  const upper = /^[A-Z]{2,3}$/.test(token) ? g.upper.get(token) : undefined;
  if (upper) {
    hits.push(hitOf(Tier.country, new Set([upper])));
    return 1;
  }
  for (let n = Math.min(g.longest, raw.length - i); n >= 1; n--) {
    const key = folded.slice(i, i + n).join(' ');
    if (n === 1 && FILLERS.has(key)) break;
    const p = g.places.get(key);
    if (!p || (p.countries.size === 0 && p.regions.size === 0 && p.cities.size === 0)) continue;
    if (p.countries.size > 0 || p.regions.size > 0) {
      const big = [...p.cities].filter(([, pop]) => pop >= SIGNIFICANT_CITY).map(([code]) => code);
      const codes = new Set([...p.countries, ...p.regions, ...big]);
      const tier = p.countries.size > 0 ? Tier.country : Tier.region;
      hits.push({ ...hitOf(tier, codes), wide: union(codes, p.cities.keys()) });
    } else {
      hits.push({ ...hitOf(Tier.city, new Set(p.cities.keys())), populations: p.cities });
    }
    return n;
  }
  const weak = /^[A-Z]{2,3}$/.test(token) ? g.weak.get(token) : undefined;
  if (weak) {
    hits.push(hitOf(Tier.code, weak));
    return 1;
  }
  return 0;
}

const hitOf = (tier: number, codes: Set<string>): Hit => ({ tier, codes, wide: codes, whole: false });

type Found = { candidates: Set<string>; populations?: Map<string, number> } | 'conflict' | undefined;

/** Combines a location's hits: the highest tier decides, lower tiers only narrow it down. */
function resolve({ hits, segments }: { hits: Hit[]; segments: number }): Found {
  if (hits.length === 0) return undefined;
  const top = Math.min(...hits.map((h) => h.tier));
  if (top === Tier.code) {
    // Codes alone count only as a segment of their own beside another one: "Brooklyn, NY".
    const whole = hits.filter((h) => h.whole);
    if (segments < 2 || whole.length === 0) return undefined;
    const codes = whole.map((h) => h.codes).reduce(intersect);
    return codes.size > 0 ? { candidates: codes } : 'conflict';
  }
  const leaders = hits.filter((h) => h.tier === top);
  // A name may also be a smaller city elsewhere: "Florida, Uruguay", "Victoria, TX".
  const wide = leaders.map((h) => h.wide).reduce(intersect);
  let candidates = leaders.map((h) => h.codes).reduce(intersect);
  if (candidates.size === 0) candidates = wide;
  if (candidates.size === 0) return 'conflict';
  for (const h of hits.filter((x) => x.tier > top).sort((a, b) => a.tier - b.tier)) {
    const narrowed = intersect(candidates, h.wide);
    const widened = intersect(wide, h.wide);
    if (narrowed.size > 0) candidates = narrowed;
    else if (widened.size > 0) candidates = widened;
    // A named country or region wins over a city ("Paris, Texas"); a city against a code is a contradiction.
    else if (top === Tier.city) return 'conflict';
  }
  if (top !== Tier.city) return { candidates };
  const populations = new Map<string, number>();
  for (const h of leaders) {
    for (const [code, pop] of h.populations ?? []) populations.set(code, (populations.get(code) ?? 0) + pop);
  }
  return { candidates, populations };
}

function dominant(candidates: Set<string>, populations: Map<string, number>): string | null {
  const ranked = [...candidates].map((c) => [c, populations.get(c) ?? 0] as const).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || !second) return first?.[0] ?? null;
  return first[1] >= DOMINANCE * second[1] ? first[0] : null;
}

const REGIONAL_INDICATOR_PAIR = /([\u{1F1E6}-\u{1F1FF}])([\u{1F1E6}-\u{1F1FF}])/gu;
// England, Scotland and Wales flags: a black flag and tag letters, the first two of them the country.
const TAG_FLAG = /\u{1F3F4}([\u{E0061}-\u{E007A}])([\u{E0061}-\u{E007A}])[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]*\u{E007F}/gu;

function flagCountries(text: string): Set<string> {
  const found = new Set<string>();
  const letter = (c: string, base: number) => String.fromCharCode(65 + (c.codePointAt(0) as number) - base);
  for (const [, a = '', b = ''] of text.matchAll(REGIONAL_INDICATOR_PAIR)) {
    const code = letter(a, 0x1f1e6) + letter(b, 0x1f1e6);
    if (isIndexed(code)) found.add(code);
  }
  for (const [, a = '', b = ''] of text.matchAll(TAG_FLAG)) {
    const code = letter(a, 0xe0061) + letter(b, 0xe0061);
    if (isIso(code)) found.add(code);
  }
  return found;
}

/** Lower case without accents, so "MÉXICO", "México" and "mexico" are one key. */
function fold(token: string): string {
  return token
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

function phrase(name: string): string {
  return (name.replace(DOTTED, (m) => m.replaceAll('.', '')).match(TOKEN) ?? []).map(fold).join(' ');
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

function union(a: Set<string>, b: Iterable<string>): Set<string> {
  return new Set([...a, ...b]);
}
