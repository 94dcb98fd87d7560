import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import {
  type ChannelAdapter,
  type ChannelContext,
  countCodePoints,
  defineCapabilities,
  errorBody,
  hmacSha256,
  keepConnected,
  parseWithSchema,
  readJsonBody,
  type SavedSearchTerms,
  SendError,
  sendParts,
  splitText,
  textLimitFor,
  verifySignature,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import type { MessageReceivedEvent } from '@centralita/core';
import { z } from 'zod';
import { RELAY_SIGNATURE_HEADER, type RelayMessage } from './relay-protocol.ts';

const schema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** `pull`: the adapter reads the relay's stream. `push`: the relay posts each message to the webhook, signed. */
  mode: z.enum(['pull', 'push']).default('pull'),
  /** Shared with the relay: signs webhook deliveries and opens the stream. Generated for a new account. */
  token: z.string().min(16).optional(),
});
export type RelayConfig = z.input<typeof schema>;
type Parsed = z.infer<typeof schema>;

export { RELAY_SIGNATURE_HEADER } from './relay-protocol.ts';

const capabilities = defineCapabilities({
  inbound: { push: true, pull: true },
  signedWebhooks: true,
  threading: 'reply_to',
  verifiedSenders: true,
  visibilities: ['private', 'public'],
  // As X: short public posts, longer private messages.
  maxTextLength: 200,
  maxTextLengthByVisibility: { public: 50 },
  splitLongText: true,
  // As X: supervisors may save searches; what the relay finds for them arrives flagged proactive.
  listening: true,
});

/** The relay's search queries are short, so a test can go over the limit with a few words. */
export const RELAY_QUERY_LIMIT = 120;

/**
 * What the relay "charges", as X and WhatsApp do: each message read and each part sent, so the
 * server's tests exercise the usage ledger and budgets with a channel they control.
 */
const metering = {
  currency: 'USD',
  kinds: {
    message_read: { label: 'Messages read', unitPrice: 0.005 },
    message_sent: { label: 'Messages sent', unitPrice: 0.01 },
  },
} as const;

const delivery = z.object({
  seq: z.number().int(),
  id: z.string().min(1).max(200),
  from: z.string().min(1).max(200),
  text: z.string().max(10_000),
  replyTo: z.string().max(200).optional(),
  proactive: z.boolean().optional(),
});

/**
 * A test-only channel over the relay peer's line protocol, in either of two modes per account:
 * pull (a stream with a cursor, reconnect with backoff) or push (signed webhooks). It proves both
 * halves of the adapter contract, and per-account capabilities, before a real channel depends on
 * them.
 */
export function createRelayAdapter(): ChannelAdapter<Parsed> {
  return {
    kind: 'relay',
    displayName: 'Relay (test)',
    capabilities,
    metering,
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 12h16M14 6l6 6-6 6"/></svg>',
      fields: {
        host: { label: 'Relay host' },
        port: { label: 'Relay port' },
        mode: { label: 'How messages arrive', help: 'pull: read the relay’s stream; push: the relay posts to the webhook.' },
        token: { label: 'Token', help: 'Shared with the relay; generated when left empty.' },
      },
      visibilities: { private: 'Direct message', public: 'Public post' },
    },
    capabilitiesFor: (config) =>
      defineCapabilities({
        ...capabilities,
        inbound: { push: config.mode === 'push', pull: config.mode === 'pull' },
        signedWebhooks: config.mode === 'push',
      }),
    config: {
      parse: (raw) => parseWithSchema(schema, raw),
      secretKeys: ['token'],
      generate: () => ({ token: randomBytes(24).toString('base64url') }),
      example: () => ({ host: '127.0.0.1', port: 9 }),
    },
    measureText: countCodePoints,
    describeSearch(terms) {
      const query = relayQuery(terms);
      const length = countCodePoints(query);
      return {
        query,
        problems:
          length > RELAY_QUERY_LIMIT
            ? [`The relay's query would be ${length} characters; it takes ${RELAY_QUERY_LIMIT}. Use fewer or shorter words.`]
            : [],
      };
    },
    connect(account, ctx) {
      const config = account.config;
      let abort: AbortController | null = null;
      let loop: Promise<void> | null = null;
      return {
        async start(signal) {
          // A push account tells the relay where to deliver, as X and WhatsApp accounts register
          // their webhook; the token it signs with was generated with the account.
          if (config.mode === 'push') {
            await command(config, `REGISTER ${JSON.stringify({ url: ctx.webhookUrl, token: config.token })}`);
            await ctx.reportState({ state: 'ready', detail: `The relay delivers to ${ctx.webhookUrl}.` });
            return;
          }
          abort = new AbortController();
          signal.addEventListener('abort', () => abort?.abort(), { once: true });
          loop = keepConnected(abort.signal, (s) => session(config, ctx, s), {
            minDelayMs: 20,
            maxDelayMs: 500,
            logger: ctx.logger,
            label: 'relay',
          });
        },
        async stop() {
          abort?.abort();
          await loop;
        },
        handleWebhook: (req) => handleWebhook(config, ctx, req),
        async send(message) {
          const limit = textLimitFor(capabilities, message.visibility) ?? Number.POSITIVE_INFINITY;
          const parts =
            countCodePoints(message.text) <= limit ? [message.text] : message.allowSplit ? splitText(message.text, limit) : null;
          if (!parts) {
            throw new SendError(
              'text_too_long',
              `The text is ${countCodePoints(message.text)} characters; a ${message.visibility} message takes ${limit}.`,
              { retryable: false },
            );
          }
          const to = message.recipient?.externalId ?? '';
          const externalIds = await sendParts(message, parts, async (text, i) => {
            const id = await sendOne(config, { to, text, ref: `${message.messageId}:${i}` });
            await spend(ctx, 'message_sent');
            return id;
          });
          return { externalIds, state: 'sent' };
        },
      };
    },
  };
}

/**
 * Counts one unit of usage. The relay already did the work, so a ledger that cannot be written
 * is logged rather than thrown: the message must not be read or sent again for it.
 */
async function spend(ctx: ChannelContext, kind: keyof typeof metering.kinds): Promise<void> {
  try {
    await ctx.usage.record(kind, 1);
  } catch (err) {
    ctx.logger.warn({ kind, error: err instanceof Error ? err.message : String(err) }, 'relay usage could not be recorded');
  }
}

function toEvent(m: RelayMessage, ctx: ChannelContext): MessageReceivedEvent {
  return {
    type: 'message.received',
    externalMessageId: m.id,
    occurredAt: ctx.now(),
    sender: { kind: 'relay', externalId: m.from, verified: true },
    text: m.text,
    // What listening finds is someone's public post; what is written to the relay is private.
    visibility: m.proactive ? 'public' : 'private',
    thread: { contactThread: true, ...(m.replyTo ? { inReplyTo: [m.replyTo] } : {}) },
    ...(m.proactive ? { origin: 'proactive' as const } : {}),
  };
}

/** Saved-search terms in an X-like query syntax, so the API has a query to show. */
export function relayQuery(terms: SavedSearchTerms): string {
  const parts = [
    ...terms.keywords,
    ...terms.phrases.map((p) => `"${p}"`),
    ...terms.hashtags.map((h) => `#${h}`),
    ...(terms.anyOf.length > 0 ? [`(${terms.anyOf.join(' OR ')})`] : []),
    ...terms.exclude.map((w) => `-${w}`),
    ...(terms.language ? [`lang:${terms.language}`] : []),
    ...(terms.excludeRetweets ? ['-is:retweet'] : []),
    ...(terms.excludeOwnPosts ? ['-from:me'] : []),
  ];
  return parts.join(' ');
}

async function handleWebhook(config: Parsed, ctx: ChannelContext, req: WebhookRequest): Promise<WebhookResponse> {
  if (config.mode !== 'push')
    return { status: 404, body: errorBody('not_found', 'This relay account reads its stream; it takes no webhooks.') };
  if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: errorBody('method_not_allowed', 'POST deliveries.') };
  const expected = `sha256=${hmacSha256(config.token ?? '', req.rawBody, 'hex')}`;
  if (!config.token || !verifySignature(req.headers[RELAY_SIGNATURE_HEADER], expected)) {
    return { status: 401, body: errorBody('unauthorized', 'The delivery is not signed with this account’s token.') };
  }
  const read = readJsonBody(req.rawBody);
  if (!read.ok) return { status: read.status, body: errorBody(read.code, read.message, read.details) };
  const parsed = delivery.safeParse(read.value);
  if (!parsed.success) return { status: 422, body: errorBody('validation_failed', 'The delivery is not a relay message.') };
  try {
    await ctx.emit(toEvent(parsed.data as RelayMessage, ctx));
    await spend(ctx, 'message_read');
  } catch {
    // Not stored: the relay delivers again on anything but a 2xx.
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: errorBody('unavailable', 'Could not store the message; deliver it again.'),
    };
  }
  return { status: 200, body: { ok: true } };
}

async function session(config: Parsed, ctx: ChannelContext, signal: AbortSignal): Promise<void> {
  const cursor = (await ctx.store.getCursor('seq')) ?? '0';
  await ctx.reportState({ state: 'connecting', detail: `Connecting to the relay at ${config.host}:${config.port}.` });
  const socket: Socket = netConnect({ host: config.host, port: config.port });
  let refused = false;
  const onAbort = () => socket.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.write(`HELLO ${cursor}${config.token ? ` ${config.token}` : ''}\n`);
      });
      socket.on('error', reject);
      socket.once('close', () => resolve());
      // Messages are handled one at a time so the cursor only moves past what was emitted.
      let chain = Promise.resolve();
      createInterface({ input: socket }).on('line', (line) => {
        chain = chain
          .then(async () => {
            if (line === 'OK streaming') {
              await ctx.reportState({ state: 'ready', detail: 'Reading the relay’s stream as messages arrive.' });
              return;
            }
            if (line.startsWith('ERR ')) {
              refused = true;
              await ctx.reportState({
                state: 'logged_out',
                detail: `The relay refused this account’s token (${line.slice(4)}); set the right one.`,
              });
              throw new Error(`the relay refused the stream: ${line.slice(4)}`);
            }
            const m = JSON.parse(line) as RelayMessage;
            await ctx.emit(toEvent(m, ctx));
            await ctx.store.setCursor('seq', String(m.seq));
            await spend(ctx, 'message_read');
          })
          .catch((err: unknown) => {
            ctx.logger.error({ error: String(err) }, 'relay message could not be stored; reconnecting');
            socket.destroy();
          });
      });
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket.destroy();
  }
  if (signal.aborted) return;
  // A refused token will not start working by itself: wait for the account to be changed (the
  // host restarts the connection then) instead of knocking again and again.
  if (refused) return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await ctx.reportState({ state: 'degraded', detail: 'The relay connection dropped; reconnecting.' });
  throw new Error('relay connection closed');
}

function sendOne(config: Parsed, body: { to: string; text: string; ref: string }): Promise<string> {
  return command(config, `SEND ${JSON.stringify(body)}`);
}

/** One request line to the relay and the rest of its `OK` answer, or a `SendError`. */
function command(config: Parsed, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: config.host, port: config.port }, () => socket.write(`${line}\n`));
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    // `on`, not `once`: a second error on the same socket (a write after the relay hung up) must
    // not go unhandled; the promise has settled by then.
    socket.on('error', (err) =>
      reject(new SendError('unreachable', `The relay did not answer: ${err.message}`, { retryable: true, cause: err })),
    );
    createInterface({ input: socket }).once('line', (line) => {
      socket.end();
      if (line.startsWith('OK ')) resolve(line.slice(3));
      else if (line.startsWith('HOLD ')) {
        // `HOLD <ms> <reason>`: the relay is out of credits, as X's 402; wait, do not fail or loop.
        const [, ms, ...reason] = line.split(' ');
        const why = `The relay is out of credits: ${reason.join(' ')}`;
        reject(
          new SendError('out_of_credits', why, { retryable: true, hold: why, ...(Number(ms) > 0 ? { retryAfterMs: Number(ms) } : {}) }),
        );
      } else reject(new SendError('rejected', `The relay refused the message: ${line}`, { retryable: false }));
    });
  });
}
