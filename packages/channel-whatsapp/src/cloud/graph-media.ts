import { createHash } from 'node:crypto';

/** What `GET /{version}/{media-id}` answers: a download URL valid for about five minutes. */
export interface MediaInfo {
  id: string;
  url: string;
  mimeType: string;
  /** Hex in the Graph answer; webhooks carry the same hash in base64. */
  sha256: string | null;
  /** Meta sends it as a string ("303833"); null when absent. */
  fileSize: number | null;
}

export interface DownloadedMedia {
  bytes: Buffer;
  /** The content-type of the download, when it had one. */
  mimeType: string | null;
}

export type MediaErrorCode = 'media_too_large' | 'media_sha_mismatch';

/**
 * A download refused on our side: bigger than the account allows (stopped as soon as that was
 * known, not after buffering it all) or not the bytes Meta hashed. Neither gets better by retrying.
 */
export class MediaError extends Error {
  readonly code: MediaErrorCode;
  readonly maxBytes: number | null;

  constructor(code: MediaErrorCode, message: string, maxBytes: number | null = null) {
    super(message);
    this.name = 'MediaError';
    this.code = code;
    this.maxBytes = maxBytes;
  }
}

function tooLarge(maxBytes: number, seen: string): MediaError {
  return new MediaError('media_too_large', `media_too_large: the file is ${seen}, over the limit of ${maxBytes} bytes`, maxBytes);
}

/**
 * Reads a body up to `maxBytes`. A content-length over the limit refuses before reading; a body
 * that grows past it (no content-length, or a wrong one) is cancelled at the first chunk over.
 */
export async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = res.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(maxBytes, `${declared} bytes`);
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, `more than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
}

/**
 * Throws when `expected` (hex from the Graph API, base64 from a webhook) is not the bytes' SHA-256.
 * An empty expectation checks nothing.
 */
export function verifySha256(bytes: Buffer, expected: string | null | undefined): void {
  if (!expected) return;
  const digest = createHash('sha256').update(bytes).digest();
  const want = expected.trim();
  if (want.toLowerCase() === digest.toString('hex') || want === digest.toString('base64')) return;
  throw new MediaError('media_sha_mismatch', 'media_sha_mismatch: the downloaded file does not match the SHA-256 WhatsApp gave for it');
}

/** The Graph answer read defensively: Meta has sent `file_size` both as a number and a string. */
export function toMediaInfo(raw: Record<string, unknown>): MediaInfo {
  const size = raw.file_size;
  const fileSize = typeof size === 'number' ? size : typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : null;
  return {
    id: String(raw.id ?? ''),
    url: String(raw.url ?? ''),
    mimeType: String(raw.mime_type ?? 'application/octet-stream'),
    sha256: typeof raw.sha256 === 'string' ? raw.sha256 : null,
    fileSize,
  };
}
