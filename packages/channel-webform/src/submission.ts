import { readJsonBody, readUrlEncodedBody } from '@centralita/channel-kit';
import { z } from 'zod';

/** Longest body accepted before parsing; anything larger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/** An empty optional field (a hidden input left blank, a browser without JavaScript) means "not given". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const schemas = new Map<number, ReturnType<typeof buildSchema>>();

/**
 * The fields a form post may carry. Unknown fields are ignored; `website` is a bot trap. Built
 * once per message limit: building it took 7% of a post's CPU in the bench profile.
 */
export function submissionSchema(maxMessageLength: number) {
  let schema = schemas.get(maxMessageLength);
  if (!schema) {
    schema = buildSchema(maxMessageLength);
    schemas.set(maxMessageLength, schema);
  }
  return schema;
}

/** An ISO 3166-2 subdivision: the country's two letters, a dash, one to three letters or digits. */
const REGION = /^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/;

function buildSchema(maxMessageLength: number) {
  const fields = z.object({
    name: z.string().trim().min(1, 'name is required').max(200),
    email: z.email('email is not a valid address').max(320),
    subject: optionalText(200),
    message: z.string().trim().min(1, 'message is required').max(maxMessageLength, `message is longer than ${maxMessageLength} characters`),
    country: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2}$/, 'country must be a two-letter ISO 3166 code')
        .transform((c) => c.toUpperCase())
        .optional(),
    ),
    // Where the customer is, finer than the country ("ES-MD"): incidents are declared by region.
    region: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(REGION, 'region must be an ISO 3166-2 code such as ES-MD')
        .transform((r) => r.toUpperCase())
        .optional(),
    ),
    language: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a BCP 47 tag such as es or pt-BR')
        .optional(),
    ),
    timezone: z.preprocess(
      blankToUndefined,
      z.string().trim().refine(isTimeZone, 'timezone must be an IANA zone such as Europe/Madrid').optional(),
    ),
    website: z.string().optional(),
  });
  // A region names its country: it fills a missing one, and must agree with a given one.
  return fields
    .refine((s) => !s.region || !s.country || s.region.startsWith(`${s.country}-`), {
      message: 'region must be in the given country',
      path: ['region'],
    })
    .transform((s) => (s.region && !s.country ? { ...s, country: s.region.slice(0, 2) } : s));
}

export type Submission = z.infer<ReturnType<typeof submissionSchema>>;

/** The parsed body, or a reason it could not be read. */
export type ParsedBody =
  | { ok: true; fields: unknown; html: boolean }
  | { ok: false; status: number; error: string; message: string; details?: unknown };

/** Reads a JSON or urlencoded body; anything else is refused with the status to answer. */
export function parseBody(contentType: string | undefined, raw: Buffer): ParsedBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length > MAX_BODY_BYTES) {
    return {
      ok: false,
      status: 413,
      error: 'payload_too_large',
      message: `The form is ${raw.length} bytes; the limit is ${MAX_BODY_BYTES}.`,
    };
  }
  if (type === 'application/json' || type === 'application/x-www-form-urlencoded') {
    const html = type !== 'application/json';
    const read = html ? readUrlEncodedBody(raw) : readJsonBody(raw);
    if (!read.ok)
      return {
        ok: false,
        status: read.status,
        error: read.code,
        message: read.message,
        ...(read.details ? { details: read.details } : {}),
      };
    if (typeof read.value !== 'object' || read.value === null || Array.isArray(read.value)) {
      return { ok: false, status: 400, error: 'bad_request', message: 'The JSON body must be an object of form fields.' };
    }
    return { ok: true, fields: read.value, html };
  }
  return {
    ok: false,
    status: 415,
    error: 'unsupported_media_type',
    message: `Content-Type ${type || '(none)'} is not accepted; send application/json or application/x-www-form-urlencoded.`,
  };
}
