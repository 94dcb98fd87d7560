import { CentralitaError } from '@centralita/core';
import { hitRateLimit, savePrivacySettings } from '@centralita/db';
import { CUSTOM_LIMITS, type CustomPattern, compileCustomPattern, PII_TYPES } from '@centralita/privacy';
import { isCountryCode } from '@centralita/routing';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { toSpans } from '../services/privacy-view.ts';

/** Scans one principal may ask for per minute: the composer scans as the agent types, debounced. */
const SCANS_PER_MINUTE = 300;

const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'country is an ISO 3166-1 alpha-2 code such as ES')
  .transform((c) => c.toUpperCase())
  .refine(isCountryCode, 'country is not an ISO 3166-1 country code');

const customPattern = z.strictObject({
  name: z.string().trim().min(1).max(60),
  pattern: z.string().min(1).max(CUSTOM_LIMITS.patternLength).describe('A JavaScript regular expression, matched with the gu flags'),
  contextWords: z
    .array(z.string().trim().min(1).max(40))
    .max(20)
    .optional()
    .describe('Words that, near a match, make it more likely ("contrato", "cliente")'),
});

const settingsBody = z.strictObject({
  country,
  customPatterns: z.array(customPattern).max(CUSTOM_LIMITS.patterns).default([]),
});

/**
 * Refuses a pattern that does not compile, can match an empty text or could backtrack without
 * end (the detectors' own checks, `compileCustomPattern`), or a name used twice: `400` naming the
 * pattern, so one bad pattern is found by the admin who typed it, not by a customer's post.
 */
export function checkCustomPatterns(patterns: readonly CustomPattern[]): void {
  const names = new Set<string>();
  for (const p of patterns) {
    const key = p.name.trim().toLowerCase();
    if (names.has(key)) {
      throw new CentralitaError('bad_request', `Custom pattern "${p.name}" appears twice; give each pattern its own name.`, {
        pattern: p.name,
      });
    }
    names.add(key);
    try {
      compileCustomPattern(p);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new CentralitaError('bad_request', message, { pattern: p.name });
    }
  }
}

/** The privacy guard's API: scanning a text, and the workspace's country and own patterns. */
export function registerPrivacyRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  api.add({
    method: 'post',
    path: '/privacy/scan',
    tag: 'privacy',
    role: 'agent',
    summary:
      'Finds personal data in a text (DNI/NIE, NIF, IBAN, cards, phones, emails, Spanish social security numbers, ICCID, IMEI and the workspace’s own patterns): each finding’s type, span (UTF-16 start and end offsets, end exclusive) and confidence. For the composer and integrations; the text is not stored.',
    body: z.strictObject({
      text: z.string().max(20_000, 'text: at most 20,000 characters'),
      country: country.optional().describe('ISO 3166-1 alpha-2 for numbers without a country code; default the workspace’s'),
      language: z
        .string()
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'language is a BCP 47 tag such as es or en-GB')
        .optional()
        .describe('es or en, for the context words; both when left out'),
    }),
    async handler({ principal, body }) {
      const hits = await hitRateLimit(db, `privacy-scan:${principal.kind}:${principal.id}`, 60_000, ctx.clock(), principal.workspaceId);
      if (hits > SCANS_PER_MINUTE) {
        throw new CentralitaError('rate_limited', `At most ${SCANS_PER_MINUTE} scans a minute; wait a moment and scan again.`);
      }
      const settings = await ctx.privacy.settings(principal.workspaceId);
      const findings = ctx.privacy.scan(body.text, settings, {
        ...(body.country ? { country: body.country } : {}),
        ...(body.language ? { language: body.language } : {}),
      });
      return { findings: toSpans(findings) };
    },
  });

  api.add({
    method: 'get',
    path: '/privacy/settings',
    tag: 'privacy',
    role: 'agent',
    summary: `{ settings }: the privacy guard’s settings, the workspace’s country (ISO 3166-1 alpha-2, ES unless set) and its own patterns (customer and contract numbers), found as type custom. Types detected: ${PII_TYPES.join(', ')}.`,
    handler: async ({ principal }) => ({ settings: await ctx.privacy.settings(principal.workspaceId) }),
  });

  api.add({
    method: 'put',
    path: '/privacy/settings',
    tag: 'privacy',
    role: 'admin',
    summary:
      'Replaces the privacy guard’s settings and answers { settings }: country and customPatterns ({name, pattern, contextWords?}, at most 50). A pattern that is not a valid regular expression, or can match an empty text, is refused with 400 naming it. Applies to messages received from now on.',
    body: settingsBody,
    async handler({ principal, body }) {
      checkCustomPatterns(body.customPatterns);
      return { settings: await savePrivacySettings(db, principal.workspaceId, body, principal.userId, ctx.clock()) };
    },
  });
}
