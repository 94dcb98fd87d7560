import { z } from 'zod';

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  /** 32 bytes, base64 or hex, that encrypt channel secrets at rest. */
  CENTRALITA_SECRET_KEY: z.string().optional(),
  CENTRALITA_BOOTSTRAP_TOKEN: z.string().min(24, 'CENTRALITA_BOOTSTRAP_TOKEN must be at least 24 characters').optional(),
  CENTRALITA_DEMO: bool.default(false),
  CENTRALITA_DATA_DIR: z.string().default('.centralita'),
  /** The address customers and agents reach this server at, for links in pages and mail. */
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Number of reverse proxies in front of the server, for the client address (rate limits). */
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  /** Run the job worker in this process. */
  CENTRALITA_WORKER: bool.default(true),
  /** The largest file an agent may attach to a reply, in megabytes. */
  CENTRALITA_UPLOAD_MAX_MB: z.coerce.number().positive().max(1024).default(10),
});

export type Env = z.infer<typeof envSchema>;

/** Reads settings from the environment, naming every bad variable at once. */
export function readEnv(env: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`);
}
