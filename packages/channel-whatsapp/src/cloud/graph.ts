import type { MessageTemplate } from '@centralita/channel-kit';
import { errorFromFailure, errorFromResponse, GraphError } from './graph-errors.ts';
import { type DownloadedMedia, MediaError, type MediaInfo, readCapped, toMediaInfo, verifySha256 } from './graph-media.ts';
import { type MessageBody, readReceiptBody } from './graph-messages.ts';
import { type GraphTemplatePage, toMessageTemplate } from './graph-templates.ts';

export interface GraphClientOptions {
  /** `https://graph.facebook.com`, or a test peer's URL. */
  baseUrl: string;
  /** `v26.0`. */
  version: string;
  accessToken: string;
  /** Per API call, connect to last byte. @default 20000 */
  timeoutMs?: number;
  /** Per media download, which can be large. @default 60000 */
  downloadTimeoutMs?: number;
  /** @default globalThis.fetch (undici) */
  fetch?: typeof fetch;
}

/** One entry of the send answer's `contacts`: `wa_id` for sends by phone, `user_id` for sends by BSUID. */
export interface SendContact {
  input: string;
  wa_id?: string;
  user_id?: string;
}

export interface SendMessageResult {
  /** The wamid that statuses and quoted replies refer to. */
  messageId: string;
  contacts: SendContact[];
}

export interface PhoneNumberInfo {
  id: string;
  /** As Meta formats it: `+34 910 00 00 00`. */
  displayPhoneNumber: string;
  verifiedName: string;
  /** GREEN, YELLOW, RED or UNKNOWN. */
  qualityRating: string;
}

export interface GraphClient {
  /** POST /{version}/{phone-number-id}/messages. */
  sendMessage(phoneNumberId: string, body: MessageBody): Promise<SendMessageResult>;
  /** Marks a customer's message read, through the same endpoint. */
  markRead(phoneNumberId: string, messageId: string): Promise<void>;
  /** POST /{version}/{phone-number-id}/media, multipart; returns the media id to send with. */
  uploadMedia(phoneNumberId: string, bytes: Uint8Array, mime: string, filename: string): Promise<string>;
  /** GET /{version}/{media-id}: where to download it, its type, size and hash. */
  getMedia(mediaId: string): Promise<MediaInfo>;
  /** GET the URL `getMedia` gave, with the token, refusing past `maxBytes` and checking the hash when given. */
  downloadMedia(url: string, maxBytes: number, options?: { sha256?: string | null }): Promise<DownloadedMedia>;
  /** `getMedia` then `downloadMedia`, refusing up front when Meta's `file_size` is already over. */
  fetchMedia(mediaId: string, maxBytes: number): Promise<DownloadedMedia & { info: MediaInfo }>;
  /** Every template of the WhatsApp Business account, following the `after` cursor. */
  listTemplates(wabaId: string, options?: { limit?: number }): Promise<MessageTemplate[]>;
  getPhoneNumber(phoneNumberId: string): Promise<PhoneNumberInfo>;
  /** POST /{waba-id}/subscribed_apps; with a callback, Meta verifies it before answering. */
  subscribeApp(wabaId: string, options?: { callbackUrl?: string; verifyToken?: string }): Promise<void>;
}

// A WABA with more pages than this is a loop in the cursor, not a real account.
const MAX_TEMPLATE_PAGES = 200;

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const version = options.version.replace(/^\/+|\/+$/g, '');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 60_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const auth = { authorization: `Bearer ${options.accessToken}` };

  function url(segments: string[], query: Record<string, string> = {}): URL {
    const u = new URL(`${base}/${version}/${segments.map(encodeURIComponent).join('/')}`);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  }

  /** One JSON call; every failure leaves as a GraphError naming the call, never the token. */
  async function call<T>(method: 'GET' | 'POST', target: URL, body?: { json: unknown } | { form: FormData }): Promise<T> {
    const what = `${method} ${target.pathname}`;
    const headers: Record<string, string> = { ...auth, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) payload = body.form;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(target, { method, headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw errorFromFailure(what, err, timeoutMs);
    }
    if (!res.ok) throw errorFromResponse(what, res.status, res.headers, text);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new GraphError({
        kind: 'server',
        httpStatus: res.status,
        message: `WhatsApp Graph API answered ${what} with a body that is not JSON`,
        cause: err,
      });
    }
  }

  async function downloadMedia(mediaUrl: string, maxBytes: number, opts: { sha256?: string | null } = {}): Promise<DownloadedMedia> {
    const target = mediaTarget(mediaUrl, base);
    const what = `GET media download from ${target.host}`;
    // One signal for the whole download: a peer that trickles bytes is a timeout too.
    const signal = AbortSignal.timeout(downloadTimeoutMs);
    let res: Response;
    try {
      // No redirects: the token would follow them to wherever they point.
      res = await doFetch(target, { headers: auth, signal, redirect: 'error' });
    } catch (err) {
      throw errorFromFailure(what, err, downloadTimeoutMs);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw errorFromResponse(what, res.status, res.headers, text);
    }
    let bytes: Buffer;
    try {
      bytes = await readCapped(res, maxBytes);
    } catch (err) {
      if (err instanceof MediaError) throw err;
      throw errorFromFailure(what, err, downloadTimeoutMs);
    }
    verifySha256(bytes, opts.sha256);
    return { bytes, mimeType: res.headers.get('content-type') };
  }

  async function getMedia(mediaId: string): Promise<MediaInfo> {
    return toMediaInfo(await call<Record<string, unknown>>('GET', url([mediaId])));
  }

  return {
    async sendMessage(phoneNumberId, body) {
      const answer = await call<{ contacts?: SendContact[]; messages?: { id?: string }[] }>('POST', url([phoneNumberId, 'messages']), {
        json: body,
      });
      const messageId = answer.messages?.[0]?.id;
      if (!messageId)
        throw new GraphError({ kind: 'server', httpStatus: 200, message: 'WhatsApp Graph API accepted a message without giving its id' });
      return { messageId, contacts: answer.contacts ?? [] };
    },

    async markRead(phoneNumberId, messageId) {
      await call('POST', url([phoneNumberId, 'messages']), { json: readReceiptBody(messageId) });
    },

    async uploadMedia(phoneNumberId, bytes, mime, filename) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mime);
      // Copied into a plain ArrayBuffer: a Buffer may share a larger (or shared) pool.
      form.set('file', new Blob([new Uint8Array(bytes)], { type: mime }), filename);
      const answer = await call<{ id?: string }>('POST', url([phoneNumberId, 'media']), { form });
      if (!answer.id)
        throw new GraphError({ kind: 'server', httpStatus: 200, message: 'WhatsApp Graph API stored a media file without giving its id' });
      return answer.id;
    },

    getMedia,

    downloadMedia,

    async fetchMedia(mediaId, maxBytes) {
      const info = await getMedia(mediaId);
      if (info.fileSize !== null && info.fileSize > maxBytes) {
        throw new MediaError(
          'media_too_large',
          `media_too_large: the file is ${info.fileSize} bytes, over the limit of ${maxBytes} bytes`,
          maxBytes,
        );
      }
      return { ...(await downloadMedia(info.url, maxBytes, { sha256: info.sha256 })), info };
    },

    async listTemplates(wabaId, opts = {}) {
      const templates: MessageTemplate[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
        const query: Record<string, string> = {
          fields: 'id,name,language,status,category,parameter_format,components,rejected_reason',
          limit: String(opts.limit ?? 100),
        };
        if (after) query.after = after;
        const answer: GraphTemplatePage = await call<GraphTemplatePage>('GET', url([wabaId, 'message_templates'], query));
        for (const t of answer.data ?? []) templates.push(toMessageTemplate(t));
        // Follow the cursor, not `paging.next`: that is an absolute URL, and the token goes only to baseUrl.
        const next: string | undefined = answer.paging?.next ? answer.paging.cursors?.after : undefined;
        if (!next || next === after) return templates;
        after = next;
      }
      return templates;
    },

    async getPhoneNumber(phoneNumberId) {
      const answer = await call<Record<string, unknown>>(
        'GET',
        url([phoneNumberId], { fields: 'display_phone_number,verified_name,quality_rating' }),
      );
      return {
        id: String(answer.id ?? phoneNumberId),
        displayPhoneNumber: String(answer.display_phone_number ?? ''),
        verifiedName: String(answer.verified_name ?? ''),
        qualityRating: String(answer.quality_rating ?? 'UNKNOWN'),
      };
    },

    async subscribeApp(wabaId, opts = {}) {
      const json: Record<string, string> = {};
      if (opts.callbackUrl) json.override_callback_uri = opts.callbackUrl;
      if (opts.verifyToken) json.verify_token = opts.verifyToken;
      await call('POST', url([wabaId, 'subscribed_apps']), { json });
    },
  };
}

/** Where Meta serves media from: its CDN hosts, over HTTPS. */
const MEDIA_HOSTS = /(^|\.)(fbsbx\.com|whatsapp\.net|facebook\.com|fbcdn\.net)$/;

/**
 * The media URL a Graph answer gave, only if the access token may go there: HTTPS on Meta's own
 * hosts, or the Graph API's own origin (a proxy, a test peer). Anything else (plain HTTP, an
 * internal address, a stranger's host in a tampered answer) is refused before the token leaves.
 */
export function mediaTarget(mediaUrl: string, baseUrl: string): URL {
  let target: URL;
  try {
    target = new URL(mediaUrl);
  } catch {
    throw new GraphError({ kind: 'invalid', httpStatus: null, message: 'The Graph API gave a media URL that is not a URL' });
  }
  const own = new URL(baseUrl);
  if (target.origin === own.origin) return target;
  if (target.protocol === 'https:' && MEDIA_HOSTS.test(target.hostname)) return target;
  throw new GraphError({
    kind: 'invalid',
    httpStatus: null,
    message: `The Graph API gave a media URL on ${target.protocol}//${target.host}, which is not Meta's: the token is not sent there`,
  });
}
