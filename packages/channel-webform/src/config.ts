import { parseWithSchema } from '@centralita/channel-kit';
import { z } from 'zod';

const configSchema = z.strictObject({
  /** Origins allowed to post with fetch (CORS). Empty: only same-origin and plain form posts. */
  allowedOrigins: z.array(z.url()).default([]),
  /** Who may embed the form page in a frame (CSP frame-ancestors). */
  frameAncestors: z.array(z.string().min(1)).default(["'self'"]),
  /** Longest message accepted, in characters. */
  maxMessageLength: z.number().int().min(100).max(50_000).default(10_000),
  /** Submissions one client may make per minute. */
  submissionsPerMinute: z.number().int().min(1).max(1_000).default(10),
  /** Window in which identical posts from one client count as one. */
  duplicateWindowSeconds: z.number().int().min(0).max(86_400).default(120),
  /** Title and intro shown on the embeddable form page. */
  title: z.string().max(200).default('Contact us'),
  intro: z.string().max(2_000).default("Tell us what happened and we'll get back to you here."),
});

/** A web-form account's settings (it has no secrets). */
export type WebformConfig = z.infer<typeof configSchema>;

/** The settings' JSON Schema, from which a console builds the account form (`ConfigSpec.jsonSchema`). */
export function webformConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
}

/** Validates a web-form account's settings, naming every bad field. */
export function parseWebformConfig(raw: unknown): WebformConfig {
  return parseWithSchema(configSchema, raw);
}
