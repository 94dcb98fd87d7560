import type { Content, ContentReader } from './content.ts';
import { bool, id, longText, str } from './read.ts';
import type { MediaKind, MediaRef } from './types.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters never belong in a file name
const NAME_UNSAFE = /[\u0000-\u001f\u007f\ufffd/\\<>:"|?*]/g;

/**
 * A document's file name as a name we can store and offer for download: no directories, no
 * characters a file system or a Content-Disposition header trips on, at most 200 characters.
 */
export function safeFilename(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base.replace(NAME_UNSAFE, '_').replace(/^\.+/, '').trim().slice(0, 200);
  return clean === '' ? null : clean;
}

/** `image/jpeg`; anything else Meta might put there is not a mime type. */
const MIME = /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,128}(\s*;.{0,200})?$/i;

function mediaRef(body: unknown, kind: MediaKind): MediaRef | null {
  const mediaId = id(body, 'id');
  if (!mediaId) return null;
  const declared = str(body, 'mime_type', 300);
  const sha256 = str(body, 'sha256', 128);
  const ref: MediaRef = {
    id: mediaId,
    mimeType: declared && MIME.test(declared) ? declared.toLowerCase() : 'application/octet-stream',
    sha256: sha256 ?? null,
    filename: kind === 'document' ? safeFilename(str(body, 'filename', 1_000)) : null,
    kind,
  };
  if (kind === 'audio') ref.voice = bool(body, 'voice') === true;
  return ref;
}

/** The media message of one kind: its caption (else a placeholder) as the text, the media to fetch. */
function media(kind: MediaKind, placeholder: (body: unknown, ref: MediaRef | null) => string): ContentReader {
  return (body) => {
    const ref = mediaRef(body, kind);
    const caption = longText(body, 'caption');
    const content: Content = { text: caption ?? placeholder(body, ref), media: ref };
    if (!ref) content.problem = 'has no media id; the message is stored without its file';
    if (kind === 'sticker' && bool(body, 'animated') === true) content.metadata = { animated: true };
    return content;
  };
}

export const mediaReaders: Record<MediaKind, ContentReader> = {
  image: media('image', () => '[Image]'),
  video: media('video', () => '[Video]'),
  sticker: media('sticker', () => '[Sticker]'),
  audio: media('audio', (body) => (bool(body, 'voice') === true ? '[Voice message]' : '[Audio]')),
  document: media('document', (body, ref) => {
    const name = ref?.filename ?? safeFilename(str(body, 'filename', 1_000));
    return name ? `[Document: ${name}]` : '[Document]';
  }),
};
