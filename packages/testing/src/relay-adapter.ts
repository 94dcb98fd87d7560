import { connect as netConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import {
  type ChannelAdapter,
  type ChannelContext,
  countCodePoints,
  defineCapabilities,
  keepConnected,
  parseWithSchema,
  SendError,
  splitText,
  textLimitFor,
} from '@centralita/channel-kit';
import { z } from 'zod';
import type { RelayMessage } from './relay-peer.ts';

const schema = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65_535) });
export type RelayConfig = z.infer<typeof schema>;

/**
 * A test-only pull channel over the relay peer's line protocol. It proves the pull half of the
 * adapter contract (cursors, reconnect with backoff, at-least-once emit with stable ids) before a
 * real pull channel (IMAP) depends on it.
 */
export function createRelayAdapter(): ChannelAdapter<RelayConfig> {
  const capabilities = defineCapabilities({
    inbound: { push: false, pull: true },
    threading: 'reply_to',
    verifiedSenders: true,
    visibilities: ['private', 'public'],
    // As X: short public posts, longer private messages.
    maxTextLength: 200,
    maxTextLengthByVisibility: { public: 50 },
    splitLongText: true,
  });
  return {
    kind: 'relay',
    displayName: 'Relay (test)',
    capabilities,
    config: { parse: (raw) => parseWithSchema(schema, raw), secretKeys: [] },
    measureText: countCodePoints,
    connect(account, ctx) {
      const { host, port } = account.config;
      let abort: AbortController | null = null;
      let loop: Promise<void> | null = null;
      return {
        async start(signal) {
          abort = new AbortController();
          signal.addEventListener('abort', () => abort?.abort(), { once: true });
          loop = keepConnected(abort.signal, (s) => session(host, port, ctx, s), {
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
        async send(message) {
          const limit = textLimitFor(capabilities, message.visibility) ?? Number.POSITIVE_INFINITY;
          const parts =
            countCodePoints(message.text) <= limit ? [message.text] : message.allowSplit ? splitText(message.text, limit) : null;
          if (!parts) {
            throw new SendError('text_too_long', `The text is ${countCodePoints(message.text)} characters; the limit is ${limit}.`, {
              retryable: false,
            });
          }
          const ids: string[] = [];
          for (const [i, text] of parts.entries()) {
            ids.push(await sendOne(host, port, { to: message.recipient?.externalId ?? '', text, ref: `${message.messageId}:${i}` }));
          }
          return { externalIds: ids, state: 'sent' };
        },
      };
    },
  };
}

async function session(host: string, port: number, ctx: ChannelContext, signal: AbortSignal): Promise<void> {
  const cursor = (await ctx.store.getCursor('seq')) ?? '0';
  const socket: Socket = netConnect({ host, port });
  const onAbort = () => socket.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        socket.write(`HELLO ${cursor}\n`);
      });
      socket.on('error', reject);
      socket.once('close', () => resolve());
      // Messages are handled one at a time so the cursor only moves past what was emitted.
      let chain = Promise.resolve();
      createInterface({ input: socket }).on('line', (line) => {
        chain = chain
          .then(async () => {
            const m = JSON.parse(line) as RelayMessage;
            await ctx.emit({
              type: 'message.received',
              externalMessageId: m.id,
              occurredAt: ctx.now(),
              sender: { kind: 'relay', externalId: m.from, verified: true },
              text: m.text,
              visibility: 'private',
              thread: { contactThread: true, ...(m.replyTo ? { inReplyTo: [m.replyTo] } : {}) },
            });
            await ctx.store.setCursor('seq', String(m.seq));
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
  if (!signal.aborted) throw new Error('relay connection closed');
}

function sendOne(host: string, port: number, body: { to: string; text: string; ref: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port }, () => socket.write(`SEND ${JSON.stringify(body)}\n`));
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', (err) =>
      reject(new SendError('unreachable', `The relay did not answer: ${err.message}`, { retryable: true, cause: err })),
    );
    createInterface({ input: socket }).once('line', (line) => {
      socket.end();
      if (line.startsWith('OK ')) resolve(line.slice(3));
      else reject(new SendError('rejected', `The relay refused the message: ${line}`, { retryable: false }));
    });
  });
}
