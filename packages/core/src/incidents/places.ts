import { foldedWords } from './fold.ts';

// Places a customer names in a message ("sin fibra en Getafe"), as ISO 3166-2 codes: Spain's 17
// autonomous communities and two autonomous cities, its 50 provinces (with the co-official
// names), about 120 of its largest towns, and a few countries by name. A town names its province
// and that province's community; a community with a single province names both.
//
// Names that are also ordinary words, first names, surnames or brands ("León", "Granada",
// "Santander", "Toledo") are taken for places only right after "en", "desde", "zona", "provincia",
// "ciudad" or "in" ("vivo en León", "desde Santander"), never on their own ("León me dijo";
// "Banco Santander"), unless the text is a location field (a profile's "León, España").

/** Community code -> its names (folded on use). */
const COMMUNITIES: Record<string, string> = {
  'ES-AN': 'Andalucía/Andalusia',
  'ES-AR': '*Aragón/Aragó',
  'ES-AS': 'Asturias/Principado de Asturias/Asturies',
  'ES-CN': 'Canarias/Islas Canarias/Canary Islands',
  'ES-CB': 'Cantabria',
  'ES-CL': 'Castilla y León/Castilla-León/Castilla i Lleó',
  'ES-CM': 'Castilla-La Mancha/Castilla La Mancha',
  'ES-CT': 'Cataluña/Catalunya/Catalonia',
  'ES-EX': 'Extremadura',
  'ES-GA': 'Galicia/Galiza',
  'ES-IB': 'Illes Balears/Islas Baleares/Baleares/Balears/Balearic Islands',
  'ES-RI': 'La Rioja',
  'ES-MD': 'Comunidad de Madrid/Comunidad Autónoma de Madrid',
  'ES-MC': 'Región de Murcia',
  'ES-NC': 'Navarra/Nafarroa/Comunidad Foral de Navarra',
  'ES-PV': 'País Vasco/Euskadi/Basque Country/Comunidad Autónoma Vasca',
  'ES-VC': 'Comunitat Valenciana/Comunidad Valenciana/País Valenciano/País Valencià',
  'ES-CE': 'Ceuta',
  'ES-ML': 'Melilla',
};

/**
 * Province code -> "community|names and towns". A name starting with `*` is ambiguous (see the
 * top of this file). The province's own name comes first.
 */
const PROVINCES: Record<string, string> = {
  'ES-AL': 'ES-AN|Almería/Roquetas de Mar/El Ejido',
  'ES-CA': 'ES-AN|Cádiz/Jerez de la Frontera/Jerez/Algeciras/Chiclana de la Frontera/El Puerto de Santa María/La Línea de la Concepción',
  'ES-CO': 'ES-AN|Córdoba',
  'ES-GR': 'ES-AN|*Granada/Motril',
  'ES-H': 'ES-AN|Huelva',
  'ES-J': 'ES-AN|Jaén/*Linares',
  'ES-MA': 'ES-AN|Málaga/Marbella/Mijas/Fuengirola/Vélez-Málaga/Torremolinos/Benalmádena/Estepona',
  'ES-SE': 'ES-AN|Sevilla/Seville/*Dos Hermanas/Alcalá de Guadaíra',
  'ES-HU': 'ES-AR|Huesca/Uesca',
  'ES-TE': 'ES-AR|Teruel',
  'ES-Z': 'ES-AR|Zaragoza/Saragossa',
  'ES-O': 'ES-AS|Oviedo/Uviéu/Gijón/Xixón/Avilés',
  'ES-PM': 'ES-IB|Palma de Mallorca/*Palma/Mallorca/Majorca/Ibiza/Eivissa/Menorca/Formentera/Calvià/Manacor',
  'ES-GC': 'ES-CN|Las Palmas/Las Palmas de Gran Canaria/Gran Canaria/Telde/Lanzarote/Fuerteventura/Arrecife',
  'ES-TF': 'ES-CN|Santa Cruz de Tenerife/Tenerife/San Cristóbal de La Laguna/*La Laguna/Arona/*La Palma/La Gomera/El Hierro',
  'ES-S': 'ES-CB|*Santander/Torrelavega',
  'ES-AV': 'ES-CL|*Ávila',
  'ES-BU': 'ES-CL|*Burgos/Miranda de Ebro/Aranda de Duero',
  'ES-LE': 'ES-CL|*León/Ponferrada',
  'ES-P': 'ES-CL|Palencia',
  'ES-SA': 'ES-CL|Salamanca',
  'ES-SG': 'ES-CL|*Segovia',
  'ES-SO': 'ES-CL|*Soria',
  'ES-VA': 'ES-CL|Valladolid',
  'ES-ZA': 'ES-CL|*Zamora',
  'ES-AB': 'ES-CM|Albacete',
  'ES-CR': 'ES-CM|Ciudad Real/Puertollano',
  'ES-CU': 'ES-CM|*Cuenca',
  'ES-GU': 'ES-CM|*Guadalajara',
  'ES-TO': 'ES-CM|*Toledo/Talavera de la Reina',
  'ES-B':
    'ES-CT|Barcelona/Hospitalet de Llobregat/L’Hospitalet de Llobregat/Hospitalet/Badalona/Terrassa/Tarrasa/*Sabadell/Mataró/Santa Coloma de Gramenet/Cornellà de Llobregat/Cornellà/Sant Cugat del Vallès/Sant Cugat/Sant Boi de Llobregat/Granollers/Manresa/Castelldefels/Vilanova i la Geltrú',
  'ES-GI': 'ES-CT|Girona/Gerona/Figueres/Figueras/Blanes',
  'ES-L': 'ES-CT|Lleida/Lérida',
  'ES-T': 'ES-CT|Tarragona/Reus/Tortosa',
  'ES-BA': 'ES-EX|Badajoz/*Mérida/Don Benito',
  'ES-CC': 'ES-EX|*Cáceres/Plasencia',
  'ES-C': 'ES-GA|A Coruña/La Coruña/Coruña/Santiago de Compostela/Ferrol',
  'ES-LU': 'ES-GA|*Lugo',
  'ES-OR': 'ES-GA|Ourense/Orense',
  'ES-PO': 'ES-GA|Pontevedra/Vigo',
  'ES-LO': 'ES-RI|Logroño',
  'ES-M':
    'ES-MD|Madrid/Móstoles/Alcalá de Henares/Fuenlabrada/Leganés/Getafe/Alcorcón/Torrejón de Ardoz/*Parla/Alcobendas/Las Rozas/Rivas-Vaciamadrid/Pozuelo de Alarcón/Pozuelo/San Sebastián de los Reyes/Coslada/Majadahonda/Aranjuez/Arganda del Rey/Collado Villalba/Boadilla del Monte/Valdemoro/Tres Cantos',
  'ES-MU': 'ES-MC|Murcia/*Cartagena/*Lorca/Molina de Segura',
  'ES-NA': 'ES-NC|Pamplona/Iruña/Tudela',
  'ES-VI': 'ES-PV|Álava/Araba/Vitoria/Vitoria-Gasteiz/Gasteiz',
  'ES-SS': 'ES-PV|Gipuzkoa/Guipúzcoa/San Sebastián/Donostia/Irún/Eibar',
  'ES-BI': 'ES-PV|Bizkaia/Vizcaya/Bilbao/Bilbo/Barakaldo/Baracaldo/Getxo',
  'ES-A': 'ES-VC|Alicante/Alacant/Elche/Elx/Torrevieja/Orihuela/Benidorm/Alcoy/Alcoi/Elda',
  'ES-CS': 'ES-VC|Castellón/Castelló/Castellón de la Plana/Castelló de la Plana/Vila-real/Villarreal',
  'ES-V': 'ES-VC|Valencia/València/*Torrent/Gandía/Paterna/Sagunto/Sagunt',
};

/**
 * The communities that are one province: their names and the province's name the same land, so
 * each names both codes, and either code covers the other (ES-MD and ES-M).
 */
const SINGLE_PROVINCE: Record<string, string> = {
  'ES-AS': 'ES-O',
  'ES-IB': 'ES-PM',
  'ES-CB': 'ES-S',
  'ES-RI': 'ES-LO',
  'ES-MD': 'ES-M',
  'ES-MC': 'ES-MU',
  'ES-NC': 'ES-NA',
};

/** Countries by the names Spanish speakers use; "Chile" and the like are left out (a pepper). */
const COUNTRIES: Record<string, string> = {
  ES: 'España/Espanya/Spain',
  PT: 'Portugal',
  FR: 'Francia/França/France',
  AD: 'Andorra',
  IT: 'Italia/Italy',
  DE: 'Alemania/Germany',
  GB: 'Reino Unido/United Kingdom/Inglaterra',
  IE: 'Irlanda/Ireland',
  MA: 'Marruecos/Morocco',
  MX: 'México/Mexico',
  AR: 'Argentina',
  CO: 'Colombia',
  PE: 'Perú',
  VE: 'Venezuela',
  EC: 'Ecuador',
};

/** The words right before an ambiguous name that make it a place. */
const LOCATIVE = new Set(['en', 'desde', 'zona', 'provincia', 'ciudad', 'in']);

interface Entry {
  words: string[];
  codes: string[];
  ambiguous: boolean;
}

interface Index {
  /** First folded word -> the names starting with it, longest first. */
  byFirst: Map<string, Entry[]>;
  /** Names of one word ("madrid", "getafe"). */
  single: Set<string>;
  communityOf: Map<string, string>;
}

let built: Index | undefined;

function index(): Index {
  if (built) return built;
  const byFirst = new Map<string, Entry[]>();
  const add = (names: string, codes: string[]) => {
    for (const raw of names.split('/')) {
      const ambiguous = raw.startsWith('*');
      const words = foldedWords(ambiguous ? raw.slice(1) : raw);
      const first = words[0];
      if (!first) continue;
      const list = byFirst.get(first) ?? [];
      list.push({ words, codes, ambiguous });
      byFirst.set(first, list);
    }
  };
  const communityOf = new Map<string, string>();
  for (const [code, names] of Object.entries(COMMUNITIES)) {
    const single = SINGLE_PROVINCE[code];
    add(names, single ? [code, single] : [code]);
  }
  for (const [code, value] of Object.entries(PROVINCES)) {
    const [community = '', names = ''] = value.split('|');
    communityOf.set(code, community);
    add(names, [community, code]);
  }
  for (const [code, names] of Object.entries(COUNTRIES)) add(names, [code]);
  for (const list of byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  const single = new Set([...byFirst.values()].flat().flatMap((e) => (e.words.length === 1 ? e.words : [])));
  built = { byFirst, single, communityOf };
  return built;
}

/**
 * The ISO 3166-2 codes (and ISO 3166-1 countries) that a text names, in the order it names them,
 * each once: "sin fibra en Getafe, Madrid" -> ['ES-MD', 'ES-M']. Whole words, accent- and
 * case-insensitive; a longer name wins ("San Sebastián de los Reyes" is Madrid, not Gipuzkoa).
 * `location: true` reads a location field, where ambiguous names count on their own.
 */
export function placesIn(text: string, options: { location?: boolean } = {}): string[] {
  return placesInWords(foldedWords(text), options);
}

/**
 * The one place a list of places narrows to: the one that all the others contain ("Getafe,
 * Madrid" -> 'ES-MD'), or null when they name places apart ("Madrid y Barcelona").
 */
export function narrowestPlace(codes: readonly string[]): string | null {
  return codes.find((c) => codes.every((o) => regionCovers(o, c))) ?? null;
}

/** Whether a folded word is on its own the name of a place ("madrid", "getafe", "espana"). */
export function isPlaceWord(word: string): boolean {
  return index().single.has(word);
}

/** `placesIn` over words already folded (`foldedWords`). */
export function placesInWords(words: readonly string[], options: { location?: boolean } = {}): string[] {
  const { byFirst } = index();
  const found = new Set<string>();
  for (let i = 0; i < words.length; ) {
    const entry = (byFirst.get(words[i] as string) ?? []).find(
      (e) => e.words.every((w, k) => words[i + k] === w) && (!e.ambiguous || options.location === true || LOCATIVE.has(words[i - 1] ?? '')),
    );
    if (!entry) {
      i++;
      continue;
    }
    for (const code of entry.codes) found.add(code);
    i += entry.words.length;
  }
  return [...found];
}

const COMMUNITY_OF_SINGLE = new Map(Object.entries(SINGLE_PROVINCE).map(([community, province]) => [province, community]));

/** The same land under one code: a single-province community's province is the community. */
export function canonicalRegion(code: string): string {
  const upper = code.toUpperCase();
  return COMMUNITY_OF_SINGLE.get(upper) ?? upper;
}

/** The regions that contain a region, nearest first: 'ES-B' -> ['ES-CT', 'ES']; 'US-CA' -> ['US']. */
export function regionAncestors(code: string): string[] {
  const canonical = canonicalRegion(code);
  const dash = canonical.indexOf('-');
  if (dash < 0) return [];
  const country = canonical.slice(0, dash);
  const community = index().communityOf.get(canonical);
  return community ? [community, country] : [country];
}

/**
 * Whether an incident's region contains a conversation's: 'ES' covers 'ES-MD' and 'ES-B';
 * 'ES-CT' covers 'ES-B'; 'ES-MD' covers 'ES-MD' and the Madrid province 'ES-M' (and 'ES-M'
 * covers 'ES-MD', the same land). Case-insensitive.
 */
export function regionCovers(incidentRegion: string, conversationRegion: string): boolean {
  const outer = canonicalRegion(incidentRegion);
  const inner = canonicalRegion(conversationRegion);
  return outer === inner || regionAncestors(inner).includes(outer);
}
