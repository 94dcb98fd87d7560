/**
 * The places an outage can be in, as customers write them. Only names that say one place
 * whatever comes before them: not a place elsewhere too ("Valencia", "Córdoba", "San Sebastián
 * de los Reyes") nor an ordinary word, name or surname ("Parla", "Sabadell", "Aragón"), which a
 * careful reader takes for a place only after "en" or "zona". The generator labels by the region
 * it meant, and an ambiguous name would make that label a guess. (X profile locations are read
 * as location fields, where such names are fine.)
 */
export interface PlaceSet {
  /** ISO 3166-2 code of the subdivision (an autonomous community). */
  code: string;
  /** How people name the region itself. */
  names: readonly string[];
  /** Towns of the region, named instead of the region. */
  towns: readonly string[];
  /** X profile locations that say the region (or one of its towns). */
  profiles: readonly string[];
}

export const PLACES: Readonly<Record<string, PlaceSet>> = {
  'ES-MD': {
    code: 'ES-MD',
    names: ['Madrid', 'la Comunidad de Madrid', 'Madrid capital'],
    towns: [
      'Getafe',
      'Móstoles',
      'Alcalá de Henares',
      'Fuenlabrada',
      'Leganés',
      'Alcorcón',
      'Alcobendas',
      'Torrejón de Ardoz',
      'Las Rozas',
      'Pozuelo de Alarcón',
      'Coslada',
      'Majadahonda',
      'Aranjuez',
      'Valdemoro',
    ],
    profiles: ['Madrid, España', 'Madrid', 'Getafe', 'Alcalá de Henares', 'Comunidad de Madrid', 'Móstoles, Madrid', 'Leganés 🇪🇸'],
  },
  'ES-CT': {
    code: 'ES-CT',
    names: ['Barcelona', 'Catalunya', 'Cataluña'],
    towns: ['Badalona', 'Terrassa', 'Girona', 'Tarragona', 'Lleida'],
    profiles: ['Barcelona', 'Barcelona, Catalunya', 'Terrassa', 'Girona'],
  },
  'ES-AN': {
    code: 'ES-AN',
    names: ['Sevilla', 'Andalucía'],
    towns: ['Málaga', 'Cádiz', 'Almería', 'Huelva', 'Jaén', 'Marbella'],
    profiles: ['Sevilla', 'Málaga, Andalucía', 'Cádiz'],
  },
  'ES-PV': {
    code: 'ES-PV',
    names: ['Bilbao', 'Euskadi', 'el País Vasco'],
    towns: ['Vitoria-Gasteiz', 'Barakaldo', 'Getxo'],
    profiles: ['Bilbao', 'Euskadi', 'Vitoria-Gasteiz'],
  },
  'ES-AR': {
    code: 'ES-AR',
    names: ['Zaragoza'],
    towns: ['Huesca', 'Teruel'],
    profiles: ['Zaragoza', 'Huesca, Aragón'],
  },
};

/** X profile locations that name no place at all (the matcher must treat them as unknown). */
export const PLACELESS_PROFILES: readonly string[] = ['', '🌍', 'en casa', 'en el sofá', 'la luna', 'she/her'];

/** The region's entry, or a clear error naming the ones there are. */
export function placeSet(code: string): PlaceSet {
  const set = PLACES[code];
  if (!set) throw new Error(`createOutage: no places known for region ${code}; known: ${Object.keys(PLACES).join(', ')}`);
  return set;
}
