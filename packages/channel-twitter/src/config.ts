import { parseWithSchema } from '@centralita/channel-kit';
import { z } from 'zod';

/**
 * What X lets the account do by API. Since February 2026 every self-serve app (pay-per-use, and
 * the legacy Basic and Pro subscriptions) may reply publicly only to posts that summoned the
 * brand; Enterprise may reply to any.
 */
export const TIERS = ['self_serve', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

const id = z.string().regex(/^\d{1,20}$/, 'an X id is a number of up to 20 digits');
const credential = z.string().trim().min(1, 'required').max(500);

const schema = z.strictObject({
  tier: z.enum(TIERS).default('self_serve'),
  /** OAuth 1.0a consumer (API key and secret) of the X app: the secret also signs webhooks. */
  consumerKey: credential,
  consumerSecret: credential,
  /** The brand's user token: reads its mentions and DMs, posts and sends DMs as it. */
  accessToken: credential,
  accessTokenSecret: credential,
  /** The app's bearer token: manages the webhook and the X Activity API subscriptions. */
  bearerToken: credential.optional(),
  /** The brand's user id and handle, looked up from the credentials when the account is tested or started. */
  brandUserId: id.optional(),
  brandUsername: z
    .string()
    .regex(/^@?\w{1,15}$/, 'an X handle is 1 to 15 letters, digits or _')
    .transform((s) => s.replace(/^@/, ''))
    .optional(),
  /** Which inbound paths to use. Polling the mentions is the cheapest; the webhook is real time. */
  mentions: z.boolean().default(true),
  directMessages: z.boolean().default(true),
  webhook: z.boolean().default(false),
  /** Run the supervisors' saved searches (proactive listening). */
  listening: z.boolean().default(true),
  /**
   * Seconds between polls; with the webhook on, the polls only reconcile (every
   * `reconcileSeconds`). X allows a mentions read about every 3 s and a DM read every 60 s per
   * user; fractions of a second are for test peers.
   */
  mentionsIntervalSeconds: z.number().min(0.05).max(86_400).default(60),
  directMessagesIntervalSeconds: z.number().min(0.05).max(86_400).default(120),
  reconcileSeconds: z.number().min(0.05).max(86_400).default(900),
  /** How often a webhook account asks X whether its webhook is still valid (and re-validates it). */
  webhookCheckSeconds: z.number().min(0.05).max(86_400).default(300),
  /** X's caps, as configuration: they change without notice. */
  dmPerUserPer15Min: z.number().int().min(1).max(10_000).default(15),
  dmPerAppPerDay: z.number().int().min(1).max(1_000_000).default(1_440),
  /** Where the API is: X's, or a proxy or a test peer. */
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://api.x.com'),
  /** A PEM certificate to trust for `apiUrl` (a TLS-inspecting proxy, a test peer). */
  caCertificate: z.string().max(20_000).optional(),
});

export type TwitterConfig = z.infer<typeof schema>;
export type TwitterConfigInput = z.input<typeof schema>;

/** Every credential is encrypted at rest and never returned by the API or logged. */
export const SECRET_KEYS = ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret', 'bearerToken'] as const;

export function parseConfig(raw: unknown): TwitterConfig {
  const config = parseWithSchema(schema, raw);
  if (config.webhook && !config.bearerToken) {
    return parseWithSchema(
      schema.refine(() => false, { path: ['bearerToken'], message: 'the webhook needs the app’s bearer token' }),
      raw,
    );
  }
  return config;
}

/** The settings' JSON Schema, from which a console builds the account form (`ConfigSpec.jsonSchema`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
}

/** A configuration that parses and reaches nothing (a closed loopback port). */
export function exampleConfig(): TwitterConfigInput {
  return {
    consumerKey: 'example-consumer-key',
    consumerSecret: 'example-consumer-secret',
    accessToken: '1-example-access-token',
    accessTokenSecret: 'example-access-secret',
    bearerToken: 'example-bearer-token',
    brandUserId: '1',
    brandUsername: 'example',
    webhook: true,
    apiUrl: 'https://127.0.0.1:9',
  };
}
