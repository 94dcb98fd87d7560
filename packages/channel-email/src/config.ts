import { randomBytes } from 'node:crypto';
import { parseWithSchema } from '@centralita/channel-kit';
import { z } from 'zod';

const host = z.string().trim().min(1, 'is required').max(253);
const port = z.number().int().min(1).max(65_535);
/** `implicit`: TLS from the first byte (IMAPS 993, SMTPS 465); `starttls`: upgraded, and required. */
const tls = z.enum(['implicit', 'starttls', 'none']);

const schema = z.strictObject({
  /** The support address customers write to; replies come from it. */
  address: z.email('address is not a valid email address'),
  imapHost: host,
  imapPort: port.default(993),
  imapTls: tls.default('implicit'),
  imapUser: z.string().min(1, 'is required'),
  imapPassword: z.string().min(1, 'is required'),
  /** The folder read for new mail. */
  mailbox: z.string().min(1).default('INBOX'),
  smtpHost: host,
  smtpPort: port.default(587),
  smtpTls: tls.default('starttls'),
  /** Empty for a relay that needs no login. */
  smtpUser: z.string().default(''),
  smtpPassword: z.string().default(''),
  /** Off only for test servers with self-signed certificates. */
  verifyCertificates: z.boolean().default(true),
  /**
   * The From display name of replies. `{agent}` is the replying agent's name, `{account}` this
   * account's name.
   */
  fromName: z.string().max(200).default('{agent} ({account})'),
  /** What happens to mail once it is stored: nothing, the \Seen flag, or a move to `moveTo`. */
  afterProcessing: z.enum(['none', 'flag', 'move']).default('none'),
  moveTo: z.string().min(1).default('Archive'),
  /** Reads mail already in the mailbox on first start; off reads only what arrives from then on. */
  importExisting: z.boolean().default(true),
  /** Put the reply token in the Reply-To as `user+c-TOKEN@domain` (the server must deliver plus addresses). */
  plusAddressing: z.boolean().default(false),
  /** A reply with no threading headers joins the same person's conversation with the same subject within this window. */
  subjectWindowDays: z.number().min(0).max(90).default(7),
  /** Polling interval when the server lacks IDLE, and a safety net when it has it. */
  pollSeconds: z.number().int().min(5).max(3600).default(60),
  /** Larger messages are recorded from their headers only, with a note saying so; they stay in the mailbox. */
  maxMessageBytes: z
    .number()
    .int()
    .min(1024)
    .default(30 * 1024 * 1024),
  /** Signs reply tokens so customers cannot forge one into another conversation. Generated. */
  tokenSecret: z.string().min(16, 'must be at least 16 characters'),
});

export type EmailConfig = z.infer<typeof schema>;

export const emailConfigSpec = {
  parse: (raw: unknown): EmailConfig => parseWithSchema(schema, raw),
  secretKeys: ['imapPassword', 'smtpPassword', 'tokenSecret'] as const,
  jsonSchema: (): Record<string, unknown> => z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>,
  generate: () => ({ tokenSecret: randomBytes(24).toString('base64url') }),
  /** A mailbox on loopback that nothing serves: it parses, and reaches no real server. */
  example: () => ({
    address: 'support@example.test',
    imapHost: '127.0.0.1',
    imapUser: 'support',
    imapPassword: 'example-password',
    smtpHost: '127.0.0.1',
  }),
};
