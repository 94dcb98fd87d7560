import { CentralitaError, foldText, type ServiceLabel } from '@centralita/core';
import type { Database } from '@centralita/db';
import { isCountryCode } from '@centralita/routing';
import type { Updateable } from 'kysely';
import { z } from 'zod';
import { validate } from '../http/errors.ts';

// What a person may give an incident and the workspace's incident settings, checked once here
// for the API and for callers inside the server alike (the simulation declares directly).

const regionCode = z
  .string()
  .max(10)
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'a region is an ISO 3166 code: a country (ES) or a subdivision (ES-MD)');

const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}$/, 'a language is an ISO 639-1 code such as es');

const word = (what: string, max: number) => z.string().trim().min(1, `a ${what} cannot be empty`).max(max);

/** Unique entries, compared folded (no case, no accents): "Fibra" and "fibra" are one. */
const unique = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max, `at most ${max} ${what}`)
    .refine((list) => new Set(list.map((v) => foldText(v))).size === list.length, `${what} are listed twice`);

const instant = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))]);

/** Per-incident or per-workspace linking tuning (core's MatchTuning; a key left out takes the default). */
export const matchingSchema = z.strictObject({
  windowBeforeMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional()
    .describe('Customers who wrote this long before the start still link (default 30)'),
  requireRegion: z.boolean().optional().describe('Only conversations whose region is known and covered link (default false)'),
  fuzzy: z.boolean().optional().describe('A word one edit away from a keyword of 5+ letters counts (default true)'),
  minHits: z.number().int().min(1).max(10).optional().describe('Keyword or service-term hits needed (default 1)'),
});

const declareFields = {
  title: z.string().trim().min(1, 'title is required').max(200),
  statusText: z.string().trim().max(2000).optional().describe('The public status text: what acknowledgements and {status} say'),
  regions: unique(regionCode, 100, 'regions').optional().describe('ISO 3166 codes (ES, ES-MD); none: anywhere'),
  services: unique(word('service', 60), 50, 'services').optional().describe('Labels of the workspace’s services (GET /incident-settings)'),
  keywords: unique(word('keyword', 100), 100, 'keywords').optional().describe('More words or phrases that name the outage'),
  languages: unique(languageCode, 20, 'languages').optional().describe('ISO 639-1 codes; none: any language'),
  startsAt: instant.optional().describe('When it began (ISO 8601); default now'),
  matching: matchingSchema.optional(),
};

export const declareSchema = z.strictObject(declareFields);
/** POST /incidents; also what accept and PATCH may change (every field optional there). */
export type DeclareInput = z.input<typeof declareSchema>;
type Declared = z.output<typeof declareSchema>;

export const changesSchema = z.strictObject({ ...declareFields, title: declareFields.title.optional() });
export type IncidentChanges = z.output<typeof changesSchema>;

/** Changes that alter which conversations match (a new title or status text does not). */
export const CRITERIA = ['regions', 'services', 'keywords', 'languages', 'startsAt', 'matching'] as const;

/** What an incident event says of a declaration or change: the fields given, dates as ISO text. */
export function fieldsOf(changes: IncidentChanges): Record<string, unknown> {
  return Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

/** The incident columns a declaration or change writes. */
export function columnsOf(c: IncidentChanges): Updateable<Database['incidents']> {
  return {
    ...(c.title !== undefined ? { title: c.title } : {}),
    ...(c.statusText !== undefined ? { status_text: c.statusText } : {}),
    ...(c.regions !== undefined ? { regions: c.regions } : {}),
    ...(c.services !== undefined ? { services: c.services } : {}),
    ...(c.keywords !== undefined ? { keywords: c.keywords } : {}),
    ...(c.languages !== undefined ? { languages: c.languages } : {}),
    ...(c.startsAt !== undefined ? { starts_at: c.startsAt } : {}),
    ...(c.matching !== undefined ? { matching: JSON.stringify(c.matching) } : {}),
  };
}

const serviceSchema = z.strictObject({
  label: word('service label', 60),
  terms: unique(word('term', 60), 30, 'terms').default([]).describe('More words that name the service ("fibra óptica", "ftth")'),
});

const detectorSchema = z.strictObject({
  bucketMinutes: z.number().int().min(1).max(60).optional(),
  baselineBuckets: z.number().int().min(2).max(288).optional(),
  alpha: z.number().gt(0).max(1).optional(),
  minCount: z.number().int().min(1).max(1_000_000).optional(),
  pValue: z.number().gt(0).max(0.5).optional(),
  minRatio: z.number().min(1).max(1000).optional(),
  viralReplies: z.number().int().min(1).max(1_000_000).optional(),
  dismissMemoryHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .optional(),
});

export const settingsSchema = z.strictObject({
  services: z
    .array(serviceSchema)
    .max(50, 'at most 50 services')
    .refine((list) => new Set(list.map((s) => foldText(s.label))).size === list.length, 'two services have the same label'),
  detector: detectorSchema.default({}),
  matching: matchingSchema.default({}),
});
export type IncidentSettingsInput = z.input<typeof settingsSchema>;

/**
 * A declaration checked against the workspace: its services must be the workspace's own labels
 * (written as the workspace writes them), and it must say something to match on, or every
 * conversation anywhere would link.
 */
export function checkDeclare(input: unknown, services: readonly ServiceLabel[]): Declared {
  const d = validate(declareSchema, input, 'incident');
  const named = d.services ? canonicalServices(d.services, services) : undefined;
  if (!d.keywords?.length && !named?.length && !d.regions?.length) {
    throw new CentralitaError(
      'validation_failed',
      'Invalid incident: give keywords, services or regions; with none, every conversation would link.',
      [{ field: 'keywords', message: 'give keywords, services or regions' }],
    );
  }
  return { ...d, ...(named ? { services: named } : {}) };
}

/** Changes to an incident, checked the same way (only the fields given). */
export function checkChanges(input: unknown, services: readonly ServiceLabel[]): IncidentChanges {
  const c = validate(changesSchema, input, 'changes');
  return c.services ? { ...c, services: canonicalServices(c.services, services) } : c;
}

/** The workspace's labels for the services named, or a precise error naming the unknown ones. */
function canonicalServices(names: readonly string[], services: readonly ServiceLabel[]): string[] {
  const byFold = new Map(services.map((s) => [foldText(s.label), s.label]));
  const unknown = names.filter((n) => !byFold.has(foldText(n)));
  if (unknown.length > 0) {
    const known =
      services.length > 0
        ? `the workspace's services are ${services.map((s) => s.label).join(', ')}`
        : 'the workspace has no services yet (PUT /incident-settings)';
    throw new CentralitaError(
      'validation_failed',
      `Invalid incident: services: ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length > 1 ? 'are not services' : 'is not a service'} of this workspace; ${known}.`,
      unknown.map((u) => ({ field: 'services', message: `"${u}" is not a service of this workspace` })),
    );
  }
  return names.map((n) => byFold.get(foldText(n)) as string);
}
