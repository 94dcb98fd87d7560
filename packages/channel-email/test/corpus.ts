import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a corpus file must become (see corpus/manifest.json). */
export interface CorpusEntry {
  file: string;
  description: string;
  kind: 'message' | 'auto_reply' | 'bounce';
  messageId: string | null;
  from: string;
  subject: string | null;
  textIncludes: string[];
  textExcludes: string[];
  attachments: { filename: string | null; contentType: string; inline: boolean }[];
  cc: string[];
  thread: { rule: 'new' | 'bounce' } | { rule: 'in_reply_to' | 'subject'; with: string };
  bounceOf?: string;
  /** The sender's display name, when the file is about reading it. */
  fromName?: string;
  /** Text that must not be shown (machinery, markup, another part's bytes); unlike textExcludes, not a trimmed quote. */
  textLacks?: string[];
  /** The message truly has no text: the event carries the explicit placeholder. Never otherwise. */
  placeholder?: boolean;
  /** The message itself holds control characters, so U+FFFD may appear where they were. */
  allowReplacement?: boolean;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

export const corpus: CorpusEntry[] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

export function corpusFile(file: string): Buffer {
  return readFileSync(join(dir, file));
}

/**
 * A message carrying a 10 MB attachment, made at test time rather than committed: a PDF-like
 * payload of pseudo-random bytes (so nothing compresses it away), base64 in 76-column lines.
 */
export function bigAttachmentMessage(to: string): { raw: string; size: number; messageId: string } {
  const size = 10 * 1024 * 1024;
  const bytes = Buffer.alloc(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  const b64 = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  const messageId = '<big-attachment-10mb@example.com>';
  const raw = [
    'From: Iker Etxeberria <iker@example.net>',
    `To: ${to}`,
    'Subject: Grabación de la avería (10 MB)',
    `Message-ID: ${messageId}`,
    'Date: Thu, 05 Nov 2026 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="big-b"',
    '',
    '--big-b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Os adjunto la grabación del router parpadeando.',
    '--big-b',
    'Content-Type: application/octet-stream; name="router.bin"',
    'Content-Disposition: attachment; filename="router.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--big-b--',
    '',
  ].join('\r\n');
  return { raw, size, messageId };
}
