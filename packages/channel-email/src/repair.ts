import { isUtf8 } from 'node:buffer';
import { decodeBytes, detectCharset, hasEightBit, isUtf8Charset, usableCharset } from './charset.ts';

/**
 * Broken MIME that mailparser reads wrong, fixed in the raw bytes before it reads them. Each fix
 * is one a mail client makes when it shows such a message, and each is applied only where the
 * message is broken in that way, so well-formed mail passes through byte for byte:
 *
 * - bare CR line endings (classic Mac OS, some gateways) become CRLF: mailparser sees one line;
 * - a Content-Transfer-Encoding that is not a bare token (`quoted-printable; charset=utf-8`,
 *   `base 64`, `"base64"`) is read for the token it names; one that names base64 over a body that
 *   is not base64 is read as 8bit;
 * - a `boundary` parameter on a part that is not multipart is dropped (mailparser splits that
 *   part by it and loses its text);
 * - a base64 body's trailing garbage (a list footer appended after the data) and padding in the
 *   middle (chunks encoded one by one) are cleaned up;
 * - 8-bit header bytes that are not UTF-8 are read in the body's declared charset, else
 *   Windows-1252, and re-written as UTF-8 (mailparser would read them as UTF-8 and show U+FFFD);
 * - a text part with 8-bit bytes that are not UTF-8 and no usable charset (none, `us-ascii`,
 *   `unknown-8bit`) gets one: an HTML part's `<meta charset>`, the message's declared charset, or
 *   Windows-1252;
 * - a header line without a colon between two headers is read as a folded continuation, and lines
 *   without a colon after the last header, with no blank line before them, as the body.
 *
 * Message parts (`message/rfc822`) are left as they are: they are files the customer sent.
 */
export interface Repaired {
  raw: Buffer;
  /** What was fixed, in words (empty when the bytes were already well-formed). */
  repairs: string[];
}

interface Header {
  /** Lower-case name; '' for a line without a colon before any header. */
  name: string;
  /** Line indices: the header line and its continuations. */
  lines: number[];
  /** Lines among `lines` that lacked the leading whitespace of a continuation. */
  unfoldedBadly: Set<number>;
}

interface Node {
  headers: Header[];
  /** Index of the first line of the header block. */
  first: number;
  /** Lines after the last header with no colon and no blank line before them: the body, really. */
  bodyWithoutBlankLine: number | null;
  contentType: string;
  params: Map<string, string>;
  bodyFirst: number;
  bodyEnd: number;
  leaf: boolean;
}

interface Edit {
  start: number;
  end: number;
  bytes: Buffer;
}

const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const MAX_NODES = 1100;
const KNOWN_CTE = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);
const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1;

export function repairMime(input: Buffer): Repaired {
  const repairs = new Set<string>();
  let raw = input;
  if (bareCrMessage(raw)) {
    raw = crToCrlf(raw);
    repairs.add('bare CR line endings read as CRLF');
  }
  const scan = new Scanner(raw);
  const nodes = scan.walk();
  const eol = scan.eol();
  const edits: Edit[] = [];
  const messageCharset = declaredCharset(nodes);

  for (const node of nodes) {
    const ct = node.headers.find((h) => h.name === 'content-type') ?? null;
    const cte = node.headers.find((h) => h.name === 'content-transfer-encoding') ?? null;
    const ctEdits: { dropBoundary?: boolean; charset?: string } = {};
    let cteToken: string | null = null;

    if (node.leaf && node.params.has('boundary') && !node.contentType.startsWith('multipart/')) {
      ctEdits.dropBoundary = true;
      repairs.add(`boundary parameter on a ${node.contentType || 'text/plain'} part ignored`);
    }

    let encoding = 'identity';
    if (node.leaf && cte) {
      const value = scan.headerValue(cte);
      const bare = stripComments(value).toLowerCase().trim();
      encoding = bare === 'base64' || bare === 'quoted-printable' ? bare : 'identity';
      if (!KNOWN_CTE.has(bare)) {
        const compact = bare.replace(/["'\s]/g, '');
        const named = /base-?64|^b64/.test(compact) ? 'base64' : /quoted|^qp(;|$)/.test(compact) ? 'quoted-printable' : null;
        if (named) {
          encoding = named;
          cteToken = named;
          repairs.add(`Content-Transfer-Encoding "${value.trim().slice(0, 60)}" read as ${named}`);
        }
      }
      if (encoding === 'base64' && !scan.looksLikeBase64(node)) {
        encoding = 'identity';
        cteToken = '8bit';
        repairs.add('a part declared base64 that is plain text read as 8bit');
      }
    }

    let body: Buffer | null = null;
    if (node.leaf && encoding === 'base64' && scan.base64Dirty(node)) {
      body = scan.base64(node);
      edits.push({ start: scan.startOf(node.bodyFirst), end: scan.endOf(node.bodyEnd - 1), bytes: wrapBase64(body, eol) });
      repairs.add('base64 body with garbage or padding inside cleaned up');
    } else if (ctEdits.dropBoundary) {
      // The delimiter lines of a boundary the part should not have are not its content.
      const b = node.params.get('boundary') as string;
      for (let l = node.bodyFirst; l < node.bodyEnd; l++) {
        const line = scan.line(l).trimEnd();
        if (line === `--${b}` || line === `--${b}--`)
          edits.push({ start: scan.startOf(l), end: scan.startOf(l + 1), bytes: Buffer.alloc(0) });
      }
    }

    const type = node.contentType || 'text/plain';
    if (node.leaf && type.startsWith('text/') && !usableCharset(node.params.get('charset'))) {
      body ??= scan.bodyBytes(node, encoding);
      if (hasEightBit(body) && !isUtf8(body)) {
        const meta = type === 'text/html' ? metaCharset(body) : null;
        const charset = detectCharset(body, meta ?? messageCharset);
        ctEdits.charset = charset;
        repairs.add(`${type} part without a usable charset read as ${charset}`);
      }
    }

    const partCharset = node.params.get('charset');
    const headerCharset = usableCharset(partCharset) && asciiCompatible(partCharset) ? partCharset : messageCharset;
    for (const h of node.headers) {
      const isCt = h === ct && (ctEdits.dropBoundary || ctEdits.charset);
      const isCte = h === cte && cteToken;
      let bytes = scan.headerBytes(h);
      const eightBit = hasEightBit(bytes) && !isUtf8(bytes);
      if (!isCt && !isCte && !eightBit && h.unfoldedBadly.size === 0) continue;
      if (h.unfoldedBadly.size > 0) repairs.add('header line without a colon read as a folded continuation');
      if (eightBit) {
        const charset = detectCharset(bytes, headerCharset);
        bytes = Buffer.from(decodeBytes(bytes, charset), 'utf8');
        repairs.add(`8-bit ${h.name || 'header'} read as ${charset}`);
      }
      if (isCte) bytes = Buffer.from(`Content-Transfer-Encoding: ${cteToken}`, 'latin1');
      if (isCt) bytes = rewriteContentType(bytes, ctEdits);
      edits.push({ start: scan.startOf(h.lines[0] as number), end: scan.endOf(h.lines[h.lines.length - 1] as number), bytes });
    }
    if (!ct && ctEdits.charset) {
      const at = scan.startOf(node.first);
      edits.push({ start: at, end: at, bytes: Buffer.from(`Content-Type: text/plain; charset=${ctEdits.charset}${eol}`, 'latin1') });
    }
    if (node.bodyWithoutBlankLine !== null) {
      const at = scan.startOf(node.bodyWithoutBlankLine);
      edits.push({ start: at, end: at, bytes: Buffer.from(eol, 'latin1') });
      repairs.add('body without a blank line after the headers');
    }
  }
  if (edits.length === 0) return { raw, repairs: [...repairs] };
  return { raw: applyEdits(raw, edits), repairs: [...repairs] };
}

/** The first usable, ASCII-compatible, non-UTF-8 charset the message declares (root first). */
function declaredCharset(nodes: Node[]): string | null {
  for (const n of nodes) {
    const cs = n.params.get('charset');
    if (usableCharset(cs) && !isUtf8Charset(cs) && asciiCompatible(cs)) return cs.trim();
  }
  return null;
}

function asciiCompatible(charset: string): boolean {
  return !/^(utf-?(7|16|32)|ucs-?[24]|unicode)/i.test(charset.trim());
}

function metaCharset(body: Buffer): string | null {
  const head = body.toString('latin1', 0, Math.min(body.length, 4096));
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  const cs = m?.[1];
  return cs && usableCharset(cs) && !isUtf8Charset(cs) && asciiCompatible(cs) ? cs : null;
}

function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  for (const c of value) {
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

function rewriteContentType(bytes: Buffer, edits: { dropBoundary?: boolean; charset?: string }): Buffer {
  // Unfold, then drop and add parameters; the rest of the header is kept byte for byte.
  let text = bytes.toString('latin1').replace(/\r?\n(?=[ \t])|\r(?=[ \t])/g, '');
  if (edits.dropBoundary) text = text.replace(/;\s*boundary\s*=\s*(?:"(?:[^"\\]|\\.)*"?|[^;]*)/gi, '');
  if (edits.charset) {
    text = text.replace(/;\s*charset\s*=\s*(?:"(?:[^"\\]|\\.)*"?|[^;]*)/gi, '');
    let end = text.length;
    while (end > 0 && /[\s;]/.test(text.charAt(end - 1))) end--;
    text = `${text.slice(0, end)}; charset=${edits.charset}`;
  }
  return Buffer.from(text, 'latin1');
}

function wrapBase64(bytes: Buffer, eol: string): Buffer {
  const b64 = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return Buffer.from(lines.join(eol), 'latin1');
}

function applyEdits(raw: Buffer, edits: Edit[]): Buffer {
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    if (e.start < at) continue; // overlaps an earlier edit: keep the first
    out.push(raw.subarray(at, e.start), e.bytes);
    at = e.end;
  }
  out.push(raw.subarray(at));
  return Buffer.concat(out);
}

/**
 * A message whose lines end in bare CRs: more CRs without an LF than LFs in its first 64 KB (a
 * server that received it may have put a Received or Return-Path line with CRLF in front).
 */
function bareCrMessage(raw: Buffer): boolean {
  const end = Math.min(raw.length, 64 * 1024);
  let bare = 0;
  let lf = 0;
  for (let i = 0; i < end; i++) {
    const b = raw[i];
    if (b === 0x0a) lf++;
    else if (b === 0x0d && raw[i + 1] !== 0x0a) bare++;
  }
  return bare > lf;
}

function crToCrlf(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = raw.indexOf(0x0d); i >= 0; i = raw.indexOf(0x0d, i + 1)) {
    if (raw[i + 1] === 0x0a) continue;
    out.push(raw.subarray(at, i + 1), Buffer.from([0x0a]));
    at = i + 1;
  }
  out.push(raw.subarray(at));
  return Buffer.concat(out);
}

/**
 * The structure of a message as mailparser's splitter finds it: header blocks, multipart
 * boundaries (a delimiter of any open ancestor ends the parts below it), and the body lines of
 * each leaf part. One pass over the lines, iterative, so no nesting depth can exhaust the stack.
 */
class Scanner {
  readonly #raw: Buffer;
  /** Where each line starts, and one more entry: the end of the bytes. Four bytes a line. */
  readonly #starts: Uint32Array;
  readonly #count: number;
  readonly #open: string[] = [];
  readonly #depths = new Map<string, number[]>();

  constructor(raw: Buffer) {
    this.#raw = raw;
    let lines = 0;
    for (let at = 0; at < raw.length; ) {
      const lf = raw.indexOf(0x0a, at);
      lines++;
      at = lf < 0 ? raw.length : lf + 1;
    }
    this.#count = lines;
    this.#starts = new Uint32Array(lines + 1);
    let at = 0;
    for (let l = 0; l < lines; l++) {
      this.#starts[l] = at;
      const lf = raw.indexOf(0x0a, at);
      at = lf < 0 ? raw.length : lf + 1;
    }
    this.#starts[lines] = raw.length;
  }

  #s(line: number): number {
    return this.#starts[line] as number;
  }

  /** The end of a line, without its CRLF or LF. */
  #e(line: number): number {
    let end = this.#starts[line + 1] as number;
    const start = this.#starts[line] as number;
    if (end > start && this.#raw[end - 1] === 0x0a) end--;
    if (end > start && this.#raw[end - 1] === 0x0d) end--;
    return end;
  }

  eol(): string {
    const first = this.#count > 0 ? this.#e(0) : undefined;
    return first !== undefined && this.#raw[first] === 0x0d ? '\r\n' : this.#raw.indexOf(0x0a) >= 0 ? '\n' : '\r\n';
  }

  startOf(line: number): number {
    return line < this.#count ? this.#s(line) : this.#raw.length;
  }

  endOf(line: number): number {
    return line >= 0 && line < this.#count ? this.#e(line) : this.startOf(line + 1);
  }

  walk(): Node[] {
    const nodes: Node[] = [];
    const n = this.#count;
    let i = 0;
    let expectHeaders = true;
    while (i < n || (expectHeaders && nodes.length === 0)) {
      if (!expectHeaders) {
        const d = this.#delimiter(i);
        i++;
        if (!d) continue;
        this.#truncate(d.close ? d.depth : d.depth + 1);
        expectHeaders = !d.close;
        continue;
      }
      // mailparser gives up past 1000 parts (the message is then quarantined); so does the scan.
      if (nodes.length >= MAX_NODES) break;
      const node = this.#headers(i);
      nodes.push(node);
      expectHeaders = false;
      i = node.bodyFirst;
      const boundary = node.params.get('boundary')?.trimEnd() ?? '';
      if (node.contentType.startsWith('multipart/') && boundary && /^[\x20-\x7e]+$/.test(boundary)) {
        node.leaf = false;
        this.#push(boundary);
        node.bodyEnd = i;
        continue;
      }
      let j = i;
      while (j < n && !this.#delimiter(j)) j++;
      node.bodyEnd = j;
      i = j;
      if (n === 0) break;
    }
    return nodes;
  }

  headerBytes(h: Header): Buffer {
    const parts: Buffer[] = [];
    for (const [k, line] of h.lines.entries()) {
      if (k > 0) parts.push(this.#raw.subarray(this.#e(h.lines[k - 1] as number), this.#s(line)));
      if (h.unfoldedBadly.has(line)) parts.push(Buffer.from(' '));
      parts.push(this.#raw.subarray(this.#s(line), this.#e(line)));
    }
    return Buffer.concat(parts);
  }

  /** The header's value, unfolded, as latin1 (bytes kept one to one). */
  headerValue(h: Header): string {
    const text = this.headerBytes(h)
      .toString('latin1')
      .replace(/\r?\n(?=[ \t])/g, '');
    return text.slice(text.indexOf(':') + 1);
  }

  /** The body bytes, transfer-decoded. */
  bodyBytes(node: Node, encoding: string): Buffer {
    const raw = this.#raw.subarray(this.startOf(node.bodyFirst), this.endOf(node.bodyEnd - 1));
    if (encoding === 'base64') return this.base64(node);
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(raw);
    return raw;
  }

  looksLikeBase64(node: Node): boolean {
    let data = 0;
    let text = 0;
    for (let l = node.bodyFirst; l < node.bodyEnd; l++) {
      const c = this.#base64Line(l);
      if (c.kind === 'data') data++;
      else if (c.kind === 'text') text++;
    }
    return data >= text;
  }

  /** True when a base64 body needs `base64` to be read as mail clients read it (see there). */
  base64Dirty(node: Node): boolean {
    return this.#base64(node, false).dirty;
  }

  base64(node: Node): Buffer {
    return this.#base64(node, true).bytes;
  }

  /**
   * A base64 body read as mail clients read it: line breaks anywhere; lines that are not base64
   * before the data skipped; the data ends at the first line that is not base64 (a footer a list
   * appended), or after its padding unless whole base64 lines follow (an encoder that padded
   * each chunk). `dirty` says whether any of that was needed.
   */
  #base64(node: Node, decode: boolean): { bytes: Buffer; dirty: boolean } {
    const chunks: Buffer[] = [];
    let pending: string[] = [];
    let length = 0;
    let dirty = false;
    let state: 'before' | 'data' | 'padded' = 'before';
    const flush = () => {
      if (decode && pending.length > 0) chunks.push(decodeQuanta(pending.join('')));
      pending = [];
    };
    for (let l = node.bodyFirst; l < node.bodyEnd; l++) {
      const c = this.#base64Line(l);
      if (c.kind === 'empty') continue;
      if (state === 'before' && c.kind === 'text') {
        dirty = true;
        continue;
      }
      if (state === 'padded' && !(c.kind === 'data' && c.end - c.start >= 16 && (c.end - c.start) % 4 === 0)) {
        dirty = true;
        break;
      }
      if (c.kind === 'text') {
        dirty = true;
        break;
      }
      if (state === 'padded') dirty = true;
      state = 'data';
      length += c.end - c.start;
      if (decode) pending.push(this.#raw.toString('latin1', c.start, c.end));
      if (c.padded) {
        flush();
        state = 'padded';
        if (length % 4 === 1) dirty = true;
        length = 0;
      }
    }
    if (length % 4 === 1) dirty = true;
    flush();
    return { bytes: Buffer.concat(chunks), dirty };
  }

  /** One body line as base64 sees it, byte by byte (bodies can be megabytes of these). */
  #base64Line(l: number): { kind: 'empty' | 'data' | 'text'; start: number; end: number; padded: boolean } {
    const raw = this.#raw;
    let s = this.#s(l);
    let e = this.#e(l);
    while (s < e && (raw[s] === 0x20 || raw[s] === 0x09)) s++;
    while (e > s && (raw[e - 1] === 0x20 || raw[e - 1] === 0x09 || raw[e - 1] === 0x0d)) e--;
    if (s === e) return { kind: 'empty', start: s, end: e, padded: false };
    let i = s;
    while (i < e && B64[raw[i] as number] === 1) i++;
    const dataEnd = i;
    while (i < e && raw[i] === 0x3d && i - dataEnd < 2) i++;
    const kind = i === e && dataEnd > s ? 'data' : 'text';
    return { kind, start: s, end: e, padded: kind === 'data' && e > dataEnd };
  }

  line(l: number): string {
    return this.#line(l);
  }

  #line(l: number): string {
    return this.#raw.toString('latin1', this.#s(l), this.#e(l));
  }

  #headers(first: number): Node {
    const n = this.#count;
    const headers: Header[] = [];
    const badLines = new Set<number>();
    let i = first;
    let ended = false;
    while (i < n) {
      const s = this.#s(i);
      const e = this.#e(i);
      if (s === e) {
        ended = true;
        break;
      }
      if (this.#delimiter(i)) break;
      const c = this.#raw[s];
      const last = headers[headers.length - 1];
      if ((c === 0x20 || c === 0x09) && last) {
        last.lines.push(i);
      } else {
        const colon = this.#raw.subarray(s, e).indexOf(0x3a);
        const name = colon > 0 ? this.#raw.toString('latin1', s, s + colon).trimEnd() : '';
        if (name && HEADER_NAME.test(name)) headers.push({ name: name.toLowerCase(), lines: [i], unfoldedBadly: new Set() });
        else if (last && last.name !== '' && !/^(content-|mime-)/.test(last.name)) {
          // Never glued onto a MIME header: a stray word there would change the structure.
          last.lines.push(i);
          badLines.add(i);
        } else headers.push({ name: '', lines: [i], unfoldedBadly: new Set() });
      }
      i++;
    }
    // Lines without a colon between headers are continuations a program folded without the
    // leading space; after the last header, with no blank line, they are the body.
    let bodyWithoutBlankLine: number | null = null;
    const lastHeader = headers[headers.length - 1];
    const trailing = lastHeader ? lastHeader.lines.filter((l) => badLines.has(l)) : [];
    if (lastHeader && trailing.length > 0 && !ended) {
      const firstBad = trailing[0] as number;
      lastHeader.lines = lastHeader.lines.filter((l) => l < firstBad);
      bodyWithoutBlankLine = firstBad;
    }
    for (const h of headers) for (const l of h.lines) if (badLines.has(l)) h.unfoldedBadly.add(l);
    const node: Node = {
      headers,
      first,
      bodyWithoutBlankLine,
      contentType: '',
      params: new Map(),
      bodyFirst: bodyWithoutBlankLine ?? (ended ? i + 1 : i),
      bodyEnd: i,
      leaf: true,
    };
    const ct = headers.find((h) => h.name === 'content-type');
    if (ct) {
      const value = stripComments(this.headerValue(ct));
      const parts = value.split(';');
      node.contentType = (parts[0] ?? '').trim().toLowerCase();
      for (const m of value.matchAll(/;\s*([A-Za-z0-9_*.-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]*)/g)) {
        const name = (m[1] as string).toLowerCase();
        if (!node.params.has(name)) node.params.set(name, m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[2] as string));
      }
    }
    return node;
  }

  #delimiter(line: number): { depth: number; close: boolean } | null {
    if (this.#open.length === 0) return null;
    const s = this.#s(line);
    const e = this.#e(line);
    if (e - s < 3 || this.#raw[s] !== 0x2d || this.#raw[s + 1] !== 0x2d) return null;
    let end = e;
    while (end > s + 2 && (this.#raw[end - 1] === 0x20 || this.#raw[end - 1] === 0x09 || this.#raw[end - 1] === 0x0d)) end--;
    const text = this.#raw.toString('latin1', s + 2, end);
    const open = this.#depths.get(text);
    const close = text.endsWith('--') ? this.#depths.get(text.slice(0, -2)) : undefined;
    const o = open ? (open[open.length - 1] as number) : -1;
    const c = close ? (close[close.length - 1] as number) : -1;
    if (o < 0 && c < 0) return null;
    return c > o ? { depth: c, close: true } : { depth: o, close: false };
  }

  #push(boundary: string): void {
    const depth = this.#open.length;
    this.#open.push(boundary);
    const list = this.#depths.get(boundary);
    if (list) list.push(depth);
    else this.#depths.set(boundary, [depth]);
  }

  #truncate(length: number): void {
    while (this.#open.length > length) {
      const b = this.#open.pop() as string;
      const list = this.#depths.get(b);
      list?.pop();
      if (list && list.length === 0) this.#depths.delete(b);
    }
  }
}

function decodeQuanta(b64: string): Buffer {
  const body = b64.replace(/=+$/, '');
  const usable = body.length - (body.length % 4 === 1 ? 1 : 0);
  return Buffer.from(body.slice(0, usable), 'base64');
}

function decodeQuotedPrintable(raw: Buffer): Buffer {
  const text = raw.toString('latin1').replace(/=[ \t]*\r?\n/g, '');
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d && i + 2 < text.length && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out[n++] = Number.parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}
