/**
 * A seeded, synthetic mass outage for tests and the bench (docs/incidents.md): `outage` contacts
 * about one service in one region during a spike, among `unrelated` contacts spread over a quiet
 * baseline before it and the spike itself. Each contact writes one first message on one channel
 * and carries its label, so a test can score the linking. The same seed gives the same contacts.
 *
 * Channels (of each label): web form 25%, email 20%, X public posts 25% (each @mentions the
 * brand, at most 280 characters), X DMs 10%, WhatsApp 20%.
 *
 * Outage contacts (about `service` in `region`), written at rising density over `minutes` from
 * `start` (the count per minute grows linearly, as an outage spreads by word of mouth):
 * - plain 30%: the service named as it is spelled;
 * - misspelled 20%: a service word of five letters or more one edit off ("fibrra", "fbra",
 *   "routr"), with a subject that does not name the service (so the body has to match);
 * - slang 15%: "q no tengo internet tio", "fibra caída y yo teletrabajando 💀";
 * - town 15%: a town of the region named instead of the region ("sin fibra en Getafe");
 * - no region 10%: nothing says where (no form field, an X profile of "" or "🌍", no place in
 *   the text; WhatsApp still gives the phone's country);
 * - English 10%: "My fibre connection is down", "No internet at home".
 * Where the others are: the web form's `region` field, an X profile location naming the region
 * or a town ("Madrid, España", "Getafe"), a place in the text, or nowhere, in proportions that
 * vary by channel (email and WhatsApp have no region field).
 *
 * Unrelated contacts, uniform over `baselineMinutes` before `start` and the spike:
 * - other service 35%: the same region about other services ("No tengo cobertura en el móvil");
 * - outage-like 12%: sounds like an outage but names no service ("No me va nada desde esta mañana");
 * - near miss 10%: a word two edits from a service word ("fiebre", "libro", "sobra");
 * - other language 13%: Catalan or Portuguese about other things (Catalonia, Portugal);
 * - other region 15%: the same service in another region, the place always named in the text
 *   (and in the form field or X profile where there is one): "Sin fibra en Barcelona";
 * - general 15%: everyday questions ("¿A qué hora abre la tienda del centro?").
 * No unrelated text names the outage's service (a term, or a word one edit from one), except the
 * other-region ones, which name a place outside the region.
 */

import { person, type Tongue } from './people.ts';
import {
  type Complaint,
  EN,
  ES,
  GENERAL,
  GENERAL_SUBJECTS,
  NEAR_MISSES,
  OTHER_LANGUAGE,
  OUTAGE_LIKE,
  SERVICES,
  type ServiceSpeech,
  serviceSpeech,
} from './phrases.ts';
import { PLACELESS_PROFILES, PLACES, type PlaceSet, placeSet } from './places.ts';
import { apportion, Random } from './random.ts';
import { fold, misspell, termsNamed } from './text-tools.ts';
import { englishText, placeSentence, spanishText } from './texts.ts';

export type OutageChannel = 'webform' | 'email' | 'x_post' | 'x_dm' | 'whatsapp';
export type OutageKind = 'plain' | 'misspelled' | 'slang' | 'town' | 'no_region' | 'english';
export type UnrelatedKind = 'other_service' | 'outage_like' | 'near_miss' | 'other_language' | 'other_region' | 'general';

export interface OutageOptions {
  seed: number;
  /** Contacts about the outage. */
  outage: number;
  /** Contacts about anything else. */
  unrelated: number;
  /** ISO 3166-2 subdivision of the outage. @default 'ES-MD' */
  region?: string;
  /** The label of the service that failed. @default 'fibra' */
  service?: string;
  /** When the outage starts. */
  start: Date;
  /** How long the spike lasts. @default 30 */
  minutes?: number;
  /** Quiet traffic before the spike. @default 60 */
  baselineMinutes?: number;
  /** The brand's X username, which every public post @mentions. @default 'acme_help' */
  brand?: string;
  /** Channel weights (of each label). */
  channels?: Partial<Record<OutageChannel, number>>;
}

export interface OutageContact {
  /** Unique in the run: `outage-00042`, `other-00042`. */
  id: string;
  label: 'outage' | 'unrelated';
  kind: OutageKind | UnrelatedKind;
  channel: OutageChannel;
  /** When the customer writes. */
  at: Date;
  language: 'es' | 'en' | 'ca' | 'pt';
  name: string;
  /** The message (an X post's includes the @mention). */
  text: string;
  /** Email subject; a web form's optional subject. */
  subject: string | null;
  /** Web form and email. */
  email: string | null;
  /** The web form's `region` field (null: left blank). */
  region: string | null;
  /** The web form's `country` field. */
  country: string | null;
  /** The web form's `language` field (some forms send it). */
  formLanguage: string | null;
  /** X posts and DMs. */
  x: { username: string; location: string } | null;
  /** WhatsApp: E.164 and the business-scoped user id. */
  whatsapp: { phone: string; bsuid: string } | null;
  /** The region a careful reader would say the contact is in (null: nothing tells). */
  regionHint: string | null;
  /** A misspelled service word and what it stands for. */
  misspelling: { word: string; of: string } | null;
}

export interface Outage {
  seed: number;
  region: string;
  service: ServiceSpeech;
  /** Every service the generator speaks about, as the workspace setting (`PUT /incident-settings`). */
  services: { label: string; terms: string[] }[];
  start: Date;
  end: Date;
  baselineStart: Date;
  /** Sorted by `at`. */
  contacts: OutageContact[];
}

const CHANNELS: Record<OutageChannel, number> = { webform: 25, email: 20, x_post: 25, x_dm: 10, whatsapp: 20 };
const OUTAGE_KINDS: Record<OutageKind, number> = { plain: 30, misspelled: 20, slang: 15, town: 15, no_region: 10, english: 10 };
const UNRELATED_KINDS: Record<UnrelatedKind, number> = {
  other_service: 35,
  outage_like: 12,
  near_miss: 10,
  other_language: 13,
  other_region: 15,
  general: 15,
};

type Where = 'field' | 'text_region' | 'text_town' | 'none';

/** Builds the outage; throws on a region or service it has no words for. */
export function createOutage(options: OutageOptions): Outage {
  const random = new Random(options.seed);
  const region = options.region ?? 'ES-MD';
  const home = placeSet(region);
  const service = serviceSpeech(options.service ?? 'fibra', fold);
  const minutes = options.minutes ?? 30;
  const baselineMinutes = options.baselineMinutes ?? 60;
  const brand = options.brand ?? 'acme_help';
  const start = options.start.getTime();
  const others = SERVICES.filter((s) => s !== service);
  const elsewhere = Object.values(PLACES).filter((p) => p.code !== region);
  if (elsewhere.length === 0) throw new Error('createOutage: other regions are needed for the unrelated contacts');
  const channels = { ...CHANNELS, ...options.channels };
  const ctx: Ctx = { random, salt: Math.abs(options.seed) % 9_973, service, home, brand };
  const contacts: OutageContact[] = [];

  const outageChannels = apportion(random, options.outage, channels);
  const outageKinds = apportion(random, options.outage, OUTAGE_KINDS);
  for (let i = 0; i < options.outage; i++) {
    // Density rising linearly over the spike: the inverse of a triangular distribution's CDF.
    const at = new Date(start + Math.sqrt(random.next()) * minutes * 60_000);
    contacts.push(outageContact(ctx, i, outageKinds[i] as OutageKind, outageChannels[i] as OutageChannel, at));
  }
  const otherChannels = apportion(random, options.unrelated, channels);
  const otherKinds = apportion(random, options.unrelated, UNRELATED_KINDS);
  for (let i = 0; i < options.unrelated; i++) {
    const at = new Date(start - baselineMinutes * 60_000 + random.next() * (baselineMinutes + minutes) * 60_000);
    const kind = otherKinds[i] as UnrelatedKind;
    contacts.push(
      unrelatedContact(ctx, options.outage + i, kind, otherChannels[i] as OutageChannel, at, random.pick(others), random.pick(elsewhere)),
    );
  }
  contacts.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  return {
    seed: options.seed,
    region,
    service,
    services: SERVICES.map((s) => ({ label: s.label, terms: [...s.terms] })),
    start: new Date(start),
    end: new Date(start + minutes * 60_000),
    baselineStart: new Date(start - baselineMinutes * 60_000),
    contacts,
  };
}

interface Ctx {
  random: Random;
  /** Varies phone numbers and user ids between seeds. */
  salt: number;
  service: ServiceSpeech;
  home: PlaceSet;
  brand: string;
}

interface Draft {
  language: OutageContact['language'];
  body: string;
  subject: string;
  where: Where;
  /** The place the text or the field names, and its region. */
  place: { name: string; code: string } | null;
  /** Whether the text names `place` (else only the field, where the channel has one). */
  placeInText: boolean;
  misspelling: OutageContact['misspelling'];
}

function outageContact(ctx: Ctx, index: number, kind: OutageKind, channel: OutageChannel, at: Date): OutageContact {
  const { random, service, home } = ctx;
  const where = outageWhere(random, kind, channel);
  const named = where === 'text_town' ? random.pick(home.towns) : where === 'none' ? null : random.pick(home.names);
  // A place given by the field is not written in the text as well.
  const place = where === 'field' ? null : named;
  const english = kind === 'english';
  let complaint: Complaint;
  let misspelling: OutageContact['misspelling'] = null;
  if (kind === 'slang') complaint = random.pick(service.slang);
  else if (english) complaint = random.pick(service.en);
  else complaint = random.pick(service.es);
  let word = complaint.w;
  if (kind === 'misspelled') {
    // Only words long enough for the fuzzy rule (five letters or more) are misspelled.
    const long = service.es.filter((c) => fold(c.w).length >= 5);
    complaint = random.pick(long.length > 0 ? long : service.es);
    const wrong = misspell(random, fold(complaint.w), service.terms.map(fold));
    misspelling = { word: wrong, of: fold(complaint.w) };
    word = wrong;
  }
  const body = english
    ? englishText(random, complaint.t.replace('{w}', word), place)
    : spanishText(random, complaint.t.replace('{w}', word), place, kind === 'slang');
  const subject =
    kind === 'misspelled' ? random.pick(ES.neutralSubjects) : english ? random.pick(EN.subjects) : random.pick(service.subjects);
  const draft: Draft = {
    language: english ? 'en' : 'es',
    body,
    subject,
    where,
    place: named ? { name: named, code: home.code } : null,
    placeInText: place !== null,
    misspelling,
  };
  return finish(ctx, index, 'outage', kind, channel, at, draft);
}

function outageWhere(random: Random, kind: OutageKind, channel: OutageChannel): Where {
  if (kind === 'town') return 'text_town';
  if (kind === 'no_region') return 'none';
  return random.weighted<Where>({ field: hasField(channel) ? 45 : 0, text_region: 25, text_town: 15, none: 15 });
}

/** Whether the channel says where the customer is by itself (a form field, an X profile). */
function hasField(channel: OutageChannel): boolean {
  return channel === 'webform' || channel === 'x_post' || channel === 'x_dm';
}

function unrelatedContact(
  ctx: Ctx,
  index: number,
  kind: UnrelatedKind,
  channel: OutageChannel,
  at: Date,
  other: ServiceSpeech,
  away: PlaceSet,
): OutageContact {
  const { service, home } = ctx;
  for (let tries = 0; tries < 20; tries++) {
    const draft = unrelatedDraft(ctx, kind, channel, other, away);
    // A safety net: whatever the banks hold, an unrelated text never names the outage's service
    // (except the other-region ones, whose place is outside the outage's region).
    if (kind === 'other_region' || termsNamed(`${draft.subject} ${draft.body}`, service.terms).length === 0) {
      return finish(ctx, index, 'unrelated', kind, channel, at, draft);
    }
  }
  throw new Error(`createOutage: no ${kind} text avoids the words of ${service.label} in ${home.code}`);
}

function unrelatedDraft(ctx: Ctx, kind: UnrelatedKind, channel: OutageChannel, other: ServiceSpeech, away: PlaceSet): Draft {
  const { random, service, home } = ctx;
  const sameRegion = (): Pick<Draft, 'where' | 'place' | 'placeInText'> => {
    const where = random.weighted<Where>({ field: hasField(channel) ? 50 : 0, text_region: 15, text_town: 15, none: 20 });
    const name = where === 'text_town' ? random.pick(home.towns) : where === 'none' ? null : random.pick(home.names);
    return { where, place: name ? { name, code: home.code } : null, placeInText: name !== null && where !== 'field' };
  };
  switch (kind) {
    case 'other_service': {
      const at = sameRegion();
      const c = random.pick(other.es);
      const shown = at.where === 'field' ? null : (at.place?.name ?? null);
      return {
        language: 'es',
        body: spanishText(random, c.t.replace('{w}', c.w), shown, false),
        subject: random.pick(other.subjects),
        misspelling: null,
        ...at,
      };
    }
    case 'outage_like': {
      const at = sameRegion();
      return {
        language: 'es',
        body: placeSentence(random, random.pick(OUTAGE_LIKE), at, 'es'),
        subject: random.pick(GENERAL_SUBJECTS.outageLike),
        misspelling: null,
        ...at,
      };
    }
    case 'near_miss': {
      const mine = NEAR_MISSES.filter((n) => fold(n.of) === fold(service.label));
      const n = random.pick(mine.length > 0 ? mine : NEAR_MISSES);
      const at = sameRegion();
      return {
        language: 'es',
        body: placeSentence(random, n.t, at, 'es'),
        subject: random.pick(GENERAL_SUBJECTS.nearMiss),
        misspelling: null,
        ...at,
      };
    }
    case 'other_language': {
      const o = random.pick(OTHER_LANGUAGE);
      const where: Where = hasField(channel) && random.chance(0.5) ? 'field' : 'none';
      // A Catalan speaker is placed in Catalonia, a Portuguese one in Portugal (no subdivision here).
      const place = o.lang === 'ca' ? { name: random.pick(placeSet('ES-CT').profiles), code: 'ES-CT' } : { name: 'Lisboa', code: 'PT' };
      return {
        language: o.lang,
        body: o.t,
        subject: o.subject,
        misspelling: null,
        where,
        place: where === 'field' ? place : null,
        placeInText: false,
      };
    }
    case 'other_region': {
      const name = random.chance(0.6) ? random.pick(away.names) : random.pick(away.towns);
      const c = random.pick(service.es);
      return {
        language: 'es',
        body: spanishText(random, c.t.replace('{w}', c.w), name, false),
        subject: random.pick(service.subjects),
        misspelling: null,
        where: hasField(channel) ? 'field' : 'text_region',
        place: { name, code: away.code },
        placeInText: true,
      };
    }
    case 'general': {
      const g = random.pick(GENERAL);
      const at = sameRegion();
      return { language: g.lang, body: placeSentence(random, g.t, at, g.lang), subject: g.subject, misspelling: null, ...at };
    }
  }
}

/** Gives the draft a person on its channel, with the fields that channel has. */
function finish(
  ctx: Ctx,
  index: number,
  label: OutageContact['label'],
  kind: OutageContact['kind'],
  channel: OutageChannel,
  at: Date,
  d: Draft,
): OutageContact {
  const { random, brand } = ctx;
  const tongue: Tongue = d.language;
  const who = person(random, index, tongue, ctx.salt);
  const field = d.where === 'field' ? d.place : null;
  // A field is the only sign of place when the text names none: a text naming its place already
  // says it (the form or profile may then say nothing).
  const region = channel === 'webform' && field && field.code.includes('-') ? field.code : null;
  const country = channel === 'webform' ? (field?.code.slice(0, 2) ?? 'ES') : null;
  const profile =
    channel === 'x_post' || channel === 'x_dm'
      ? field
        ? field.code === ctx.home.code
          ? random.pick(ctx.home.profiles)
          : field.name
        : random.pick(PLACELESS_PROFILES)
      : null;
  const mention = `@${brand} `;
  const text = channel === 'x_post' ? `${mention}${d.body}` : d.body;
  if (channel === 'x_post' && text.length > 280) throw new Error(`createOutage: an X post of ${text.length} characters: ${text}`);
  const serial = String(index).padStart(5, '0');
  return {
    id: `${label === 'outage' ? 'outage' : 'other'}-${serial}`,
    label,
    kind,
    channel,
    at,
    language: d.language,
    name: who.name,
    text,
    subject: channel === 'email' || (channel === 'webform' && random.chance(0.3)) ? d.subject : null,
    email: channel === 'email' || channel === 'webform' ? who.email : null,
    region,
    country,
    formLanguage: channel === 'webform' && random.chance(0.5) ? d.language : null,
    x: profile === null ? null : { username: who.username, location: profile },
    whatsapp: channel === 'whatsapp' ? { phone: who.phone, bsuid: who.bsuid } : null,
    regionHint: d.place && (d.placeInText || (d.where === 'field' && hasField(channel))) ? d.place.code : null,
    misspelling: d.misspelling,
  };
}
