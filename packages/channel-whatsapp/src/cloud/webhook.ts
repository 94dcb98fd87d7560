import { timingSafeEqual } from 'node:crypto';
import {
  type ChannelContext,
  errorBody,
  hmacSha256,
  readJsonBody,
  verifySignature,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import type { InboundAttachment, InboundEvent, MessageReceivedEvent } from '@centralita/core';
import type { WhatsAppConfig } from '../config.ts';
import type { GraphClient } from './graph.ts';
import { MediaError } from './graph-media.ts';
import { type MediaRef, type ParsedItem, parseDelivery } from './parse/index.ts';

export const SIGNATURE_HEADER = 'x-hub-signature-256';
/** Media downloads of one delivery at a time: enough to hide latency, few enough for a small node. */
const MEDIA_CONCURRENCY = 4;
/** The most file bytes one delivery keeps in memory; files past it are listed, not stored. */
const MAX_DELIVERY_MEDIA_BYTES = 100 * 1024 * 1024;

/**
 * Answers Meta: the verification handshake (GET with `hub.challenge`), and deliveries (POST) only
 * when `X-Hub-Signature-256` proves the app secret signed the exact body. Everything a delivery
 * carries (several messages and statuses, across business numbers) is stored in one `emitMany`,
 * after its media are downloaded, and Meta hears 200 only once it is committed, so a delivery that
 * could not be stored comes again. Meta redelivers the same messages: the host stores each wamid
 * once.
 */
export async function handleCloudWebhook(
  config: WhatsAppConfig,
  ctx: ChannelContext,
  graph: GraphClient,
  req: WebhookRequest,
): Promise<WebhookResponse> {
  if (req.method === 'GET') return verification(config, req);
  if (req.method !== 'POST') {
    return {
      status: 405,
      headers: { allow: 'GET, POST' },
      body: errorBody('method_not_allowed', 'Meta posts deliveries and gets verifications.'),
    };
  }
  const expected = hmacSha256(config.appSecret ?? '', req.rawBody, 'hex');
  if (!config.appSecret || !verifySignature(req.headers[SIGNATURE_HEADER], expected, 'sha256=')) {
    return {
      status: 401,
      body: errorBody('unauthorized', `The delivery's ${SIGNATURE_HEADER} header is missing or does not match the app secret.`),
    };
  }
  const read = readJsonBody(req.rawBody);
  if (!read.ok) return { status: read.status, body: errorBody(read.code, read.message, read.details) };
  const foreign = strangersOf(config, read.value);
  if (foreign.length > 0) {
    ctx.logger.warn(
      { entries: foreign.slice(0, 5) },
      'a WhatsApp delivery named another business account or number; that part is not stored',
    );
  }
  const parsed = parseDelivery(read.value, { now: ctx.now() });
  if (parsed.items.length === 0 && parsed.problems.length > 0) {
    return { status: 400, body: errorBody('bad_request', `The delivery holds nothing to store: ${parsed.problems.slice(0, 5).join(' ')}`) };
  }
  if (parsed.problems.length > 0) {
    // Said without the payload: it holds customers' messages.
    ctx.logger.warn(
      { problems: parsed.problems.slice(0, 10), count: parsed.problems.length },
      'parts of a WhatsApp delivery were not read',
    );
  }
  const events = await withMedia(config, graph, ctx, parsed.items);
  for (const n of parsed.items) if (n.kind === 'notice') ctx.logger.info({ field: n.field }, 'WhatsApp account notice');
  if (events.length === 0) return { status: 200, body: { ok: true, stored: 0 } };
  try {
    const results = await ctx.emitMany(events);
    const failed = results.filter((r) => r instanceof Error) as Error[];
    // The host refuses a malformed item for good ("Refused message: ..."); any other failure (the
    // database gone mid-batch) may pass on another try, so Meta must deliver again: 503.
    const lost = failed.filter((e) => !e.message.startsWith('Refused message'));
    if (failed.length > 0) {
      ctx.logger.warn(
        { refused: failed.length - lost.length, failed: lost.length, first: failed[0]?.message.slice(0, 200) },
        'items of a WhatsApp delivery were not stored',
      );
    }
    if (lost.length > 0) {
      return {
        status: 503,
        headers: { 'retry-after': '5' },
        body: errorBody('unavailable', 'Part of the delivery could not be stored; deliver it again.'),
      };
    }
    return { status: 200, body: { ok: true, stored: results.length - failed.length, refused: failed.length } };
  } catch (err) {
    ctx.logger.warn(
      { error: err instanceof Error ? err.message : String(err) },
      'a WhatsApp delivery was not stored; Meta delivers it again',
    );
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: errorBody('unavailable', 'Could not store the delivery; deliver it again.'),
    };
  }
}

/**
 * Drops, in place, the entries and changes of `body` that are not this account's: another
 * business account (`entry[].id`) when the account names its own, else another number than the
 * account's. One Meta app can serve many business accounts; what reaches this URL for another is
 * not this workspace's to store or answer. Returns what it dropped, for the log.
 */
function strangersOf(config: WhatsAppConfig, body: unknown): string[] {
  const dropped: string[] = [];
  const entries = (body as { entry?: unknown })?.entry;
  if (!Array.isArray(entries)) return dropped;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as { id?: unknown; changes?: unknown } | null;
    if (config.businessAccountId && typeof entry?.id === 'string' && entry.id !== config.businessAccountId) {
      dropped.push(`business account ${entry.id}`);
      entries.splice(i, 1);
      continue;
    }
    if (config.businessAccountId || !Array.isArray(entry?.changes)) continue;
    const changes = entry.changes as { value?: { metadata?: { phone_number_id?: unknown } } }[];
    for (let j = changes.length - 1; j >= 0; j--) {
      const number = changes[j]?.value?.metadata?.phone_number_id;
      if (typeof number === 'string' && number !== config.phoneNumberId) {
        dropped.push(`number ${number}`);
        changes.splice(j, 1);
      }
    }
  }
  return dropped;
}

/** Meta's handshake: echo `hub.challenge` when `hub.verify_token` is the account's. */
function verification(config: WhatsAppConfig, req: WebhookRequest): WebhookResponse {
  const mode = req.query['hub.mode'];
  const token = req.query['hub.verify_token'] ?? '';
  const challenge = req.query['hub.challenge'] ?? '';
  if (mode !== 'subscribe' || challenge.length === 0 || challenge.length > 1_000) {
    return { status: 400, body: errorBody('bad_request', 'A verification needs hub.mode=subscribe, hub.verify_token and hub.challenge.') };
  }
  if (!config.verifyToken || !sameSecret(token, config.verifyToken)) {
    return { status: 403, body: errorBody('forbidden', 'hub.verify_token is not this account’s webhook verify token.') };
  }
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: challenge };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The delivery's events in order, each message with its file downloaded into `attachments`. A file
 * that cannot be had (too large, expired, Meta down) is listed without its bytes and the message
 * says why, so one file never holds back the messages around it.
 */
async function withMedia(config: WhatsAppConfig, graph: GraphClient, ctx: ChannelContext, items: ParsedItem[]): Promise<InboundEvent[]> {
  const events: (InboundEvent | null)[] = items.map((i) => (i.kind === 'notice' ? null : stamped(i.event)));
  const pending = items.flatMap((item, index) => (item.kind === 'message' && item.media ? [{ index, media: item.media }] : []));
  let next = 0;
  // Files are held in memory until the batch is stored: a delivery of many large files keeps
  // about MAX_DELIVERY_MEDIA_BYTES, and lists the rest without their bytes.
  let room = MAX_DELIVERY_MEDIA_BYTES;
  const worker = async () => {
    while (next < pending.length) {
      const job = pending[next++] as { index: number; media: MediaRef };
      const event = events[job.index] as MessageReceivedEvent;
      const limit = Math.min(config.maxMediaBytes, room);
      const got = await download(config, graph, ctx, event, job.media, limit);
      room -= got.attachments?.[0]?.size ?? 0;
      events[job.index] = { ...event, ...got };
    }
  };
  await Promise.all(Array.from({ length: Math.min(MEDIA_CONCURRENCY, pending.length) }, worker));
  return events.filter((e): e is InboundEvent => e !== null);
}

/** When the customer sent it, kept with the message: their 24-hour window opens then. */
function stamped(event: InboundEvent): InboundEvent {
  if (event.type !== 'message.received') return event;
  return { ...event, metadata: { ...(event.metadata ?? {}), sentAt: event.occurredAt.toISOString() } };
}

async function download(
  config: WhatsAppConfig,
  graph: GraphClient,
  ctx: ChannelContext,
  event: MessageReceivedEvent,
  media: MediaRef,
  limit: number,
): Promise<Pick<MessageReceivedEvent, 'attachments' | 'metadata'>> {
  const filename = media.filename ?? defaultName(media);
  try {
    if (limit < 1) throw new MediaError('media_too_large', 'media_too_large: the delivery’s files already fill what one delivery keeps', 0);
    const got = await graph.fetchMedia(media.id, limit);
    const attachment: InboundAttachment = {
      filename,
      contentType: got.info.mimeType || media.mimeType,
      size: got.bytes.byteLength,
      content: new Uint8Array(got.bytes),
    };
    return { attachments: [attachment] };
  } catch (err) {
    const reason =
      err instanceof MediaError && err.code === 'media_too_large'
        ? limit < config.maxMediaBytes
          ? `the delivery's files passed the ${sizeLabel(MAX_DELIVERY_MEDIA_BYTES)} one delivery keeps`
          : `larger than this account keeps (${sizeLabel(config.maxMediaBytes)})`
        : 'it could not be downloaded from WhatsApp';
    ctx.logger.warn(
      { mediaId: media.id, error: err instanceof Error ? err.message.slice(0, 200) : String(err) },
      'WhatsApp media not stored',
    );
    return {
      attachments: [{ filename, contentType: media.mimeType, size: 0 }],
      metadata: { ...(event.metadata ?? {}), mediaNotStored: `${filename}: ${reason}` },
    };
  }
}

/** "25 MiB", "1.5 MiB", "2 KiB": a limit as an administrator set it, never rounded to nothing. */
function sizeLabel(bytes: number): string {
  if (bytes >= 1_048_576) return `${Number((bytes / 1_048_576).toFixed(1))} MiB`;
  return `${Number((bytes / 1_024).toFixed(1))} KiB`;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/aac': 'aac',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
};

/** A name for a file WhatsApp sends without one (photos, voice notes): its kind and type. */
function defaultName(media: MediaRef): string {
  const base = media.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const ext = EXTENSIONS[base] ?? base.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
  return `${media.voice ? 'voice-note' : media.kind}.${ext || 'bin'}`;
}
