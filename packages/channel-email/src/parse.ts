import { createHash } from 'node:crypto';
import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from 'mailparser';
import { decodeBytes, detectCharset, hasEightBit } from './charset.ts';
import { type BounceInfo, classify } from './classify.ts';
import { cleanLine, cleanText } from './clean.ts';
import { visibleReply } from './quotes.ts';
import { repairMime } from './repair.ts';
import { sanitiseEmailHtml } from './sanitize.ts';

export interface ParsedAddress {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  inline: boolean;
  contentId: string | null;
}

/** The address used when a message names no sender anywhere (From, Sender, the envelope). */
export const UNKNOWN_SENDER = 'unknown@invalid';

/** One email as Centralita needs it: identity, threading headers, the visible text, the rest kept. */
export interface ParsedEmail {
  /** The Message-ID with its angle brackets, or a hash of the raw bytes when the mail has none. */
  externalId: string;
  messageId: string | null;
  /** Who sent it: From, else Sender, else the envelope sender (Return-Path), else `UNKNOWN_SENDER`. */
  from: ParsedAddress;
  /** Which header `from` came from. */
  fromSource: 'from' | 'sender' | 'return-path' | 'unknown';
  replyTo: ParsedAddress[];
  to: ParsedAddress[];
  cc: ParsedAddress[];
  subject: string;
  date: Date | null;
  inReplyTo: string[];
  references: string[];
  /** The new text: quoted history and signature trimmed. */
  text: string;
  /** The full text as sent (from the HTML when there is no text part). */
  fullText: string;
  /** Sanitised HTML, or null for plain-text mail. */
  html: string | null;
  remoteImages: number;
  attachments: ParsedAttachment[];
  automated: 'auto_reply' | 'bounce' | null;
  bounce: BounceInfo | null;
  /** The sending domain's authentication failed (SPF, DKIM or DMARC, per Authentication-Results). */
  authenticationFailed: boolean;
  forwarded: boolean;
  /** Broken MIME that was repaired before reading (see repair.ts), in words. */
  repairs: string[];
  /**
   * Set when the message could not be read: it is kept from what its headers say, with its raw
   * source attached as `original.eml`, and this says why.
   */
  quarantine: { reason: string; size: number } | null;
}

export interface ParseOptions {
  /** A parse that takes longer is given up and the message quarantined. @default 60 s */
  timeoutMs?: number;
}

const ID = /<[^<>\s]+>/g;
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_HTML_DEPTH = 1000;
const MAX_QUOTE_SCAN = 256 * 1024;
// Elements that open no level: void ones, and those a parser closes when a sibling opens (so a
// report with thousands of unclosed <td> or <p> is sloppy, not deep).
const FLAT_ELEMENTS = new Set([
  ...['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr'],
  ...['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rt', 'rp'],
]);

function ids(value: string | string[] | undefined): string[] {
  const all = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return [...new Set((all.match(ID) ?? []).map(cleanLine))];
}

/** Every mailbox in an address header, groups opened, with or without an address. */
function entries(value: AddressObject | AddressObject[] | undefined): ParsedAddress[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  const out: ParsedAddress[] = [];
  const walk = (items: AddressObject['value']) => {
    for (const e of items) {
      if (e.group) walk(e.group);
      else out.push({ address: cleanLine(e.address ?? '').toLowerCase(), name: cleanLine(e.name ?? '') });
    }
  };
  for (const a of list) if (a && Array.isArray(a.value)) walk(a.value);
  return out;
}

function addresses(value: AddressObject | AddressObject[] | undefined): ParsedAddress[] {
  return entries(value).filter((e) => e.address.length > 0);
}

/** The Message-ID as the external id, or `sha256:<hash of the raw bytes>` when there is none. */
export function externalIdOf(messageId: string | null, raw: Buffer): string {
  return messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * Parses one raw email, and never throws. Broken MIME is repaired first (repair.ts); every charset
 * and transfer encoding mailparser knows is then decoded. A message that still cannot be read (a
 * limit of the parser, or a parse that does not end) comes back quarantined: what its headers say,
 * its raw source attached as `original.eml`, and the reason. One bad message never stops a mailbox.
 */
export async function parseEmail(raw: Buffer, options: ParseOptions = {}): Promise<ParsedEmail> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let repaired = { raw, repairs: [] as string[] };
  try {
    repaired = repairMime(raw);
  } catch {
    // A repair that fails leaves the bytes as they came; mailparser reads them as it can.
  }
  try {
    return await withTimeout(readEmail(raw, repaired.raw, repaired.repairs), timeoutMs);
  } catch (err) {
    if (repaired.raw !== raw) {
      try {
        return await withTimeout(readEmail(raw, raw, []), timeoutMs);
      } catch {
        // the original reads no better: quarantined below, with the first reason
      }
    }
    return quarantinedEmail(raw, `the MIME parser stopped: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function readEmail(original: Buffer, raw: Buffer, repaired: string[]): Promise<ParsedEmail> {
  let repairs = repaired;
  const mail: ParsedMail = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true });
  const header = (name: string): string | null => {
    const v = mail.headers.get(name);
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
    return String(v);
  };
  const messageId = mail.messageId ? (ids(mail.messageId)[0] ?? null) : null;
  const { from, fromSource } = senderOf(mail);
  const subject = cleanLine(mail.subject ?? '');
  const rawHtml = typeof mail.html === 'string' && mail.html.trim() ? cleanText(mail.html) : null;
  // HTML nested deeper than a browser would nest it costs sanitize-html time that grows with the
  // square of the depth (80,000 unclosed <b> take a second): such HTML is not kept, its text is.
  const tooDeep = rawHtml !== null && htmlDepthExceeds(rawHtml, MAX_HTML_DEPTH);
  const sanitised = rawHtml && !tooDeep ? sanitiseEmailHtml(rawHtml) : null;
  if (tooDeep) repairs = [...repairs, `HTML nested deeper than ${MAX_HTML_DEPTH} levels kept as text only`];
  let fullText = cleanText((mail.text ?? '').replace(/\r\n?/g, '\n')).trim();
  // mailparser turns HTML into text only for a message that is one HTML part. HTML inside a
  // multipart (mixed, related with its images and styles) or beside an empty text part is the
  // message's text all the same.
  if (!fullText && sanitised) fullText = cleanText(await htmlToText(sanitised.html)).trim();
  if (!fullText && rawHtml && (tooDeep || !sanitised)) fullText = cleanText(stripTags(rawHtml)).trim();
  if (!fullText) fullText = describeParts(mail.attachments);
  const reportParts = mail.attachments
    .filter((a) => /^(message\/(delivery-status|rfc822|global-headers|global-delivery-status)|text\/rfc822-headers)$/i.test(a.contentType))
    .map((a) => cleanText(a.content.toString('utf8')));
  // mailparser gives the Content-Type header as its value and its parameters.
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const kind = classify({
    header,
    from: fromSource === 'unknown' ? '' : from.address,
    subject,
    deliveryReport: contentType?.value === 'multipart/report' && contentType.params?.['report-type']?.toLowerCase() === 'delivery-status',
    reportParts,
    text: fullText,
  });
  const forwarded = /^\s*(fwd?|rv|enc|tr|wg)\s*:/i.test(subject) || /^-{5,}\s*forwarded message/im.test(fullText);
  const authResults = header('authentication-results') ?? '';
  return {
    externalId: externalIdOf(messageId, original),
    messageId,
    from,
    fromSource,
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    inReplyTo: ids(mail.inReplyTo),
    references: ids(mail.references),
    // Outlook's text part and html-to-text both leave `[cid:image001.png@01DA...]` where an inline
    // image was: noise in the conversation view (the image is an attachment).
    // Quoted history is looked for in text of a size people write; a larger one is shown whole.
    text:
      withoutCidMarkers(kind.automated || fullText.length > MAX_QUOTE_SCAN ? fullText : visibleReply(fullText, { forwarded })) || fullText,
    fullText,
    html: sanitised?.html ?? null,
    remoteImages: sanitised?.remoteImages ?? 0,
    // Report parts are the bounce's machinery, not files the customer sent.
    attachments: mail.attachments
      .filter((a) => !(kind.bounce && reportParts.length > 0 && /^(message|text\/rfc822)/i.test(a.contentType)))
      .map((a) => ({
        filename: cleanLine(a.filename ?? '') || (a.contentType === 'message/rfc822' ? 'forwarded-message.eml' : 'attachment'),
        contentType: cleanLine(a.contentType),
        size: a.size ?? a.content.length,
        content: a.content,
        inline: a.related === true || a.contentDisposition === 'inline',
        contentId: a.contentId ? cleanLine(a.contentId.replace(/^<|>$/g, '')) || null : null,
      })),
    automated: kind.automated,
    bounce: kind.bounce,
    authenticationFailed: /\b(dmarc|spf|dkim)=(fail|softfail)\b/i.test(authResults),
    forwarded,
    repairs,
    quarantine: null,
  };
}

/**
 * From's first mailbox with an address; when From has none (`"Support" <>`, a bare group such as
 * `undisclosed-recipients:;`), the Sender, then the envelope sender the receiving server recorded
 * in Return-Path, keeping From's display name. Something that is not an address (no `@`) is a name.
 */
function senderOf(mail: ParsedMail): { from: ParsedAddress; fromSource: ParsedEmail['fromSource'] } {
  const fromEntries = entries(mail.from);
  const real = fromEntries.find((e) => e.address.includes('@'));
  if (real) return { from: real, fromSource: 'from' };
  const name = fromEntries.map((e) => e.name || e.address).find((n) => n.length > 0) ?? '';
  for (const source of ['sender', 'return-path'] as const) {
    const other = addresses(mail.headers.get(source) as AddressObject | AddressObject[] | undefined).find((e) => e.address.includes('@'));
    if (other) return { from: { address: other.address, name: name || other.name }, fromSource: source };
  }
  return { from: { address: UNKNOWN_SENDER, name }, fromSource: 'unknown' };
}

/**
 * Whether elements nest deeper than `max`, in one linear pass: a start tag opens a level (see
 * FLAT_ELEMENTS for those that do not; in HTML a trailing `/` closes nothing), an end tag closes one. Close enough to what a parser builds to
 * tell sloppy mail (hundreds of unclosed <font>) from a bomb (tens of thousands).
 */
function htmlDepthExceeds(html: string, max: number): boolean {
  let depth = 0;
  for (let i = html.indexOf('<'); i >= 0 && i < html.length; i = html.indexOf('<', i + 1)) {
    const close = html.charCodeAt(i + 1) === 0x2f;
    let j = close ? i + 2 : i + 1;
    const start = j;
    while (j < html.length && /[A-Za-z0-9:-]/.test(html.charAt(j))) j++;
    if (j === start) continue;
    const name = html.slice(start, j).toLowerCase();
    if (FLAT_ELEMENTS.has(name)) continue;
    if (close) depth = Math.max(0, depth - 1);
    else if (++depth > max) return true;
  }
  return false;
}

/** Text between tags, for HTML too deep to convert: linear, entities of the common kind decoded. */
function stripTags(html: string): string {
  let out = '';
  let at = 0;
  for (let i = html.indexOf('<'); i >= 0; i = html.indexOf('<', at)) {
    out += html.slice(at, i);
    const end = html.indexOf('>', i);
    if (end < 0) {
      at = html.length;
      break;
    }
    const tag = html.slice(i + 1, Math.min(end, i + 12)).toLowerCase();
    if (/^\/?(p|div|br|tr|li|h[1-6]|table|blockquote)\b/.test(tag)) out += '\n';
    at = end + 1;
  }
  out += html.slice(at);
  return out
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter((l, i, all) => l.length > 0 || (i > 0 && (all[i - 1] ?? '').length > 0))
    .join('\n');
}

/** The text without `[cid:...]` markers, and without the spaces they leave at the end of a line. */
function withoutCidMarkers(text: string): string {
  if (!text.includes('[cid:')) return text;
  return text
    .split('\n')
    .map((line) => (line.includes('[cid:') ? line.replace(/\[cid:[^\]\s]{1,512}\]/g, '').trimEnd() : line))
    .join('\n')
    .trim();
}

/** The text mailparser gives a message that is one HTML part: html-to-text, with its depth limits. */
async function htmlToText(html: string): Promise<string> {
  try {
    const single = Buffer.from(`Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${html}`, 'utf8');
    const mail = await simpleParser(single, { skipImageLinks: true, skipTextToHtml: true });
    return (mail.text ?? '').replace(/\r\n?/g, '\n');
  } catch {
    return '';
  }
}

/**
 * Words for a message whose only content is a part that is not text: a calendar answer, a piece
 * of a split message (message/partial), a pointer to content elsewhere (message/external-body).
 * Empty when there is nothing to say, and the caller's placeholder applies.
 */
function describeParts(attachments: Attachment[]): string {
  for (const a of attachments) {
    const type = a.contentType.toLowerCase();
    const params = ((a.headers?.get('content-type') as { params?: Record<string, string> } | undefined)?.params ?? {}) as Record<
      string,
      string
    >;
    if (type === 'text/calendar' || type === 'application/ics') {
      const text = describeCalendar(a.content.toString('utf8'));
      if (text) return cleanText(text);
    } else if (type === 'message/partial') {
      const of = params.total ? ` of ${params.total}` : '';
      return cleanText(
        `[Part ${params.number ?? '?'}${of} of a message the sender's mail program split up (message/partial). The part is attached as it came.]`,
      );
    } else if (type === 'message/external-body') {
      const where = params.url ?? params.URL ?? [params.site, params.directory, params.name].filter(Boolean).join('/');
      return cleanText(
        `[The sender's mail program sent a reference to content stored elsewhere (message/external-body, ${params['access-type'] ?? 'unknown access type'}${where ? `: ${where}` : ''}), not the content itself.]`,
      );
    }
  }
  return '';
}

const PARTSTAT: Record<string, string> = {
  ACCEPTED: 'accepted',
  DECLINED: 'declined',
  TENTATIVE: 'tentatively accepted',
  DELEGATED: 'delegated',
};

/** "Calendar reply: accepted", the event's summary, when, where and the comment, from an iCalendar object. */
function describeCalendar(ics: string): string {
  const lines = ics.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const prop = (name: string): { params: string; value: string } | null => {
    const re = new RegExp(`^${name}((?:;[^:]*)?):(.*)$`, 'i');
    for (const l of lines) {
      const m = re.exec(l);
      if (m)
        return {
          params: m[1] ?? '',
          value: (m[2] ?? '')
            .replace(/\\n/gi, '\n')
            .replace(/\\([,;\\])/g, '$1')
            .trim(),
        };
    }
    return null;
  };
  const method = prop('METHOD')?.value.toUpperCase() ?? '';
  const summary = prop('SUMMARY')?.value ?? '';
  const start = prop('DTSTART');
  const partstat = /PARTSTAT=([A-Z-]+)/i.exec(prop('ATTENDEE')?.params ?? '')?.[1]?.toUpperCase();
  const head =
    method === 'REPLY'
      ? `Calendar reply${partstat ? `: ${PARTSTAT[partstat] ?? partstat.toLowerCase()}` : ''}`
      : method === 'CANCEL'
        ? 'Calendar cancellation'
        : method
          ? 'Calendar invitation'
          : 'Calendar entry';
  const zone = start ? /TZID=([^;:]+)/i.exec(start.params)?.[1] : undefined;
  const out = [head, summary, start ? `When: ${icsDate(start.value)}${zone ? ` (${zone})` : ''}` : ''];
  const location = prop('LOCATION')?.value;
  if (location) out.push(`Where: ${location}`);
  const comment = prop('COMMENT')?.value;
  if (comment) out.push(comment);
  return summary || comment ? out.filter(Boolean).join('\n') : '';
}

/** `20261112T100000Z` as `2026-11-12 10:00 UTC`; anything else as it came. */
function icsDate(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})\d{2}(Z?))?$/.exec(value);
  if (!m) return value;
  return `${m[1]}-${m[2]}-${m[3]}${m[4] ? ` ${m[4]}:${m[5]}${m[6] ? ' UTC' : ''}` : ''}`;
}

/**
 * A message that cannot be read, kept rather than lost: what its headers say (read on their own,
 * so a broken body cannot take them down), an explicit text with the reason, and the raw source
 * attached as `original.eml` unless `attachOriginal` is false (then it is still in the mailbox).
 */
export async function quarantinedEmail(raw: Buffer, reason: string, options: { attachOriginal?: boolean } = {}): Promise<ParsedEmail> {
  const attach = options.attachOriginal ?? true;
  const head = await headersOnly(raw);
  const messageId = head?.messageId ? (ids(head.messageId)[0] ?? null) : null;
  const sender = head ? senderOf(head) : { from: { address: UNKNOWN_SENDER, name: '' }, fromSource: 'unknown' as const };
  const why = cleanLine(reason);
  const text = attach
    ? `[This message could not be read: ${why}. Its original is attached as original.eml.]`
    : `[This message could not be stored whole: ${why}. It is still in the mailbox.]`;
  return {
    externalId: externalIdOf(messageId, raw),
    messageId,
    from: sender.from,
    fromSource: sender.fromSource,
    replyTo: addresses(head?.replyTo),
    to: addresses(head?.to),
    cc: addresses(head?.cc),
    subject: cleanLine(head?.subject ?? ''),
    date: head?.date && !Number.isNaN(head.date.getTime()) ? head.date : null,
    inReplyTo: ids(head?.inReplyTo),
    references: ids(head?.references),
    text,
    fullText: text,
    html: null,
    remoteImages: 0,
    attachments: attach
      ? [{ filename: 'original.eml', contentType: 'message/rfc822', size: raw.length, content: raw, inline: false, contentId: null }]
      : [],
    automated: null,
    bounce: null,
    authenticationFailed: false,
    forwarded: false,
    repairs: [],
    quarantine: { reason: why, size: raw.length },
  };
}

const KEPT_HEADERS = /^(from|sender|return-path|reply-to|to|cc|subject|message-id|date|in-reply-to|references)$/i;

/** The identity and threading headers alone, bounded in size, with 8-bit bytes read as a client would. */
async function headersOnly(raw: Buffer): Promise<ParsedMail | null> {
  try {
    const window = raw.subarray(0, Math.min(raw.length, 256 * 1024));
    const end = [window.indexOf('\r\n\r\n'), window.indexOf('\n\n')].filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? window.length;
    const lines = window
      .subarray(0, end)
      .toString('latin1')
      .split(/\r\n|\n|\r/);
    const kept: string[] = [];
    const seen = new Set<string>();
    let keep = false;
    for (const line of lines) {
      if (/^[ \t]/.test(line)) {
        if (keep) kept.push(line);
        continue;
      }
      const name = /^([^:\s]+)\s*:/.exec(line)?.[1]?.toLowerCase();
      keep = !!name && KEPT_HEADERS.test(name) && !seen.has(name);
      if (keep && name) {
        seen.add(name);
        kept.push(line);
      }
    }
    let bytes = Buffer.from(kept.map((l) => l.slice(0, 8192)).join('\r\n'), 'latin1');
    if (hasEightBit(bytes)) bytes = Buffer.from(decodeBytes(bytes, detectCharset(bytes, null)), 'utf8');
    return await withTimeout(simpleParser(Buffer.concat([bytes, Buffer.from('\r\n\r\n')])), 10_000);
  } catch {
    return null;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading it took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
