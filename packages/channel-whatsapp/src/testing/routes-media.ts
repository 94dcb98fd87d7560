import { createHash, createHmac } from 'node:crypto';
import { type Answer, error, json, type RouteContext, type Routed, unknownObject } from './route-kit.ts';
import { graphId, type PeerState, type StoredMedia } from './state.ts';

const MB = 1024 * 1024;

/** The types and sizes the Cloud API takes for each kind of media (Meta's supported media table). */
const MEDIA_LIMITS: Record<string, number> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'image/webp': 500 * 1024,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};

/** How long a download URL from `GET /{media-id}` works, as Meta documents. */
const URL_LIFETIME_S = 300;

export interface AddMediaOptions {
  filename?: string;
  /** Serve the download without content-length. */
  chunked?: boolean;
  /** Advertise this SHA-256 (hex) instead of the real one, to test a mismatch. */
  sha256?: string;
}

export function storeMedia(
  state: PeerState,
  bytes: Uint8Array,
  mimeType: string,
  origin: StoredMedia['origin'],
  options: AddMediaOptions = {},
): StoredMedia {
  const buffer = Buffer.from(bytes);
  const sha256Hex = createHash('sha256').update(buffer).digest('hex');
  const media: StoredMedia = {
    id: graphId(),
    bytes: buffer,
    mimeType,
    sha256Hex,
    advertisedSha256Hex: options.sha256 ?? sha256Hex,
    chunked: options.chunked ?? false,
    origin,
  };
  if (options.filename !== undefined) media.filename = options.filename;
  state.media.set(media.id, media);
  return media;
}

function urlHash(ctx: RouteContext, id: string, ext: string): string {
  return createHmac('sha256', ctx.appSecret).update(`${id}.${ext}`).digest('base64url').slice(0, 24);
}

async function upload(ctx: RouteContext, phoneNumberId: string, raw: Buffer, contentType: string): Promise<Answer> {
  if (!ctx.state.phoneNumber(phoneNumberId)) return unknownObject('POST', phoneNumberId);
  let form: FormData;
  try {
    form = await new Request('http://peer.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(raw),
    }).formData();
  } catch {
    return error({ code: 100, details: 'The upload must be multipart/form-data with messaging_product, type and file' });
  }
  if (form.get('messaging_product') !== 'whatsapp') return error({ code: 100, title: 'The parameter messaging_product is required.' });
  const file = form.get('file');
  if (!(file instanceof Blob)) return error({ code: 100, title: 'The parameter file is required.' });
  const mime =
    String(form.get('type') ?? file.type)
      .split(';')[0]
      ?.trim()
      .toLowerCase() ?? '';
  const limit = MEDIA_LIMITS[mime];
  if (limit === undefined) return error({ code: 131053, details: `Unsupported file type: ${mime || 'none given'}` });
  if (file.size > limit)
    return error({ code: 131053, details: `The file is ${file.size} bytes; ${mime} files may be at most ${limit} bytes` });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = file instanceof File && file.name ? file.name : undefined;
  const stored = storeMedia(ctx.state, bytes, mime, 'upload', name === undefined ? {} : { filename: name });
  return json(200, { id: stored.id });
}

function describe(ctx: RouteContext, id: string): Answer {
  const media = ctx.state.media.get(id);
  if (!media) return unknownObject('GET', id);
  const ext = String(Math.floor(ctx.state.now().getTime() / 1000) + URL_LIFETIME_S);
  const url = new URL('/whatsapp_business/attachments/', ctx.baseUrl());
  url.searchParams.set('mid', id);
  url.searchParams.set('ext', ext);
  url.searchParams.set('hash', urlHash(ctx, id, ext));
  return json(200, {
    messaging_product: 'whatsapp',
    url: url.toString(),
    mime_type: media.mimeType,
    sha256: media.advertisedSha256Hex,
    file_size: String(media.bytes.length),
    id,
  });
}

/** The lookaside download: the signed URL from `GET /{media-id}`, still fresh, with the bearer token. */
export function downloadRoute(ctx: RouteContext, url: URL): Answer {
  const id = url.searchParams.get('mid') ?? '';
  const ext = url.searchParams.get('ext') ?? '';
  const media = ctx.state.media.get(id);
  if (!media || url.searchParams.get('hash') !== urlHash(ctx, id, ext))
    return error({ code: 100, httpStatus: 404, title: 'URL signature mismatch' });
  if (Number(ext) * 1000 < ctx.state.now().getTime()) return error({ code: 100, httpStatus: 404, title: 'URL signature expired' });
  const answer: Answer = { kind: 'bytes', status: 200, bytes: media.bytes, mimeType: media.mimeType, chunked: media.chunked };
  if (media.filename !== undefined) answer.filename = media.filename;
  return answer;
}

/** `POST /{phone-number-id}/media`, `GET /{media-id}`, `DELETE /{media-id}`. */
export function mediaRoutes(ctx: RouteContext, method: string, rest: string[]): Routed | null {
  const [id, edge] = rest;
  if (!id) return null;
  if (rest.length === 2 && edge === 'media' && method === 'POST')
    return { route: 'media_upload', handle: (body, type) => upload(ctx, id, body, type) };
  if (rest.length === 1 && ctx.state.media.has(id)) {
    if (method === 'GET') return { route: 'media', handle: () => describe(ctx, id) };
    if (method === 'DELETE')
      return {
        route: 'media',
        handle: () => {
          ctx.state.media.delete(id);
          return json(200, { success: true });
        },
      };
  }
  return null;
}
