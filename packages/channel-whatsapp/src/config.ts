import { parseWithSchema } from '@centralita/channel-kit';
import { z } from 'zod';

/**
 * How an account reaches WhatsApp: `cloud`, Meta's Cloud API (a business number, webhooks,
 * templates, per-message prices), or `web`, a linked device driven through WhatsApp Web by
 * whatsapp-web.js (a shop's own phone; no templates; WhatsApp may block the number).
 */
export const MODES = ['cloud', 'web'] as const;
export type Mode = (typeof MODES)[number];

const secret = z.string().trim().min(1, 'required').max(1_000);
const graphId = z.string().regex(/^\d{1,30}$/, 'a Graph API id is a number');

const schema = z.strictObject({
  mode: z.enum(MODES).default('cloud'),

  // Cloud API.
  /** The business number's id in the Graph API (not the phone number itself). */
  phoneNumberId: graphId.optional(),
  /**
   * The business number in international format (+34911234567), for the wa.me links a handoff
   * sends; the Graph API's id above is not the number. A linked phone (web mode) knows its own.
   */
  businessPhone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'an international number such as +34911234567')
    .optional(),
  /** The WhatsApp Business Account id: lists the templates and subscribes the app to webhooks. */
  businessAccountId: graphId.optional(),
  /** A system user's permanent token with whatsapp_business_messaging and whatsapp_business_management. */
  accessToken: secret.optional(),
  /** The Meta app's secret: signs every webhook delivery (X-Hub-Signature-256). */
  appSecret: secret.optional(),
  /** The token Meta echoes when it verifies the webhook URL; generated for a new account. */
  verifyToken: secret.optional(),
  /** Point the app's webhook for this business account at Centralita when the account starts. */
  subscribeWebhook: z.boolean().default(true),
  graphUrl: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  graphVersion: z
    .string()
    .regex(/^v\d{1,3}\.\d$/, 'a Graph API version such as v24.0')
    .default('v24.0'),
  /**
   * Where a send to a customer known only by business-scoped user id puts it: `recipient` (Meta's
   * 2026 field) or `to`. Sources disagree; a message with a phone always goes `to` the phone.
   */
  bsuidField: z.enum(['recipient', 'to']).default('recipient'),
  /** The largest inbound file downloaded into Centralita; a larger one is listed, not stored. */
  maxMediaBytes: z
    .number()
    .int()
    .min(1_024)
    .max(100 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  /**
   * The least time between two messages to one person (Meta's pair rate, error 131056: about one
   * every 6 s). Replies to the same person are spaced by it, never merged or dropped.
   */
  pairSpacingMs: z.number().int().min(0).max(600_000).default(6_000),

  // whatsapp-web.js.
  chromiumPath: z.string().min(1).max(500).default('/usr/bin/chromium'),
  headless: z.boolean().default(true),
  /** How long a linked session may take to become ready before it is restarted. */
  readyTimeoutSeconds: z.number().min(1).max(3_600).default(120),
  /** How often the linked session is saved to the database (whatsapp-web.js needs at least 60). */
  sessionBackupSeconds: z.number().int().min(60).max(86_400).default(300),
});

export type WhatsAppConfig = z.infer<typeof schema>;
export type WhatsAppConfigInput = z.input<typeof schema>;

/** Credentials and the verify token are encrypted at rest and never returned by the API or logged. */
export const SECRET_KEYS = ['accessToken', 'appSecret', 'verifyToken'] as const;

/** The Cloud API settings an account in `cloud` mode cannot work without. */
const CLOUD_REQUIRED = ['phoneNumberId', 'accessToken', 'appSecret', 'verifyToken'] as const;

export function parseConfig(raw: unknown): WhatsAppConfig {
  const config = parseWithSchema(schema, raw);
  if (config.mode !== 'cloud') return config;
  const missing = CLOUD_REQUIRED.filter((k) => config[k] === undefined);
  if (missing.length === 0) return config;
  const strict = schema.superRefine((_, ctx) => {
    for (const k of missing) ctx.addIssue({ code: 'custom', path: [k], message: 'required for the Cloud API' });
  });
  return parseWithSchema(strict, raw);
}

/** The settings' JSON Schema, from which a console builds the account form (`ConfigSpec.jsonSchema`). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
}

/** A Cloud API configuration that parses and reaches nothing (a closed loopback port). */
export function exampleConfig(): WhatsAppConfigInput {
  return {
    mode: 'cloud',
    phoneNumberId: '100000000000001',
    businessAccountId: '200000000000002',
    accessToken: 'example-access-token',
    appSecret: 'example-app-secret',
    subscribeWebhook: false,
    graphUrl: 'http://127.0.0.1:9',
  };
}
