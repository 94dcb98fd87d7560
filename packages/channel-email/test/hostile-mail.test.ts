import { eventProblems, fuzzParameters } from '@centralita/channel-kit/conformance';
import type { InboundEvent, MessageReceivedEvent } from '@centralita/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParsedEmail, parseEmail, toEvents, UNKNOWN_SENDER } from '../src/index.ts';
import { corpus, corpusFile } from './corpus.ts';

// Generated mail: arbitrary bytes, and corpus mails spoiled the ways real mail is spoiled
// (truncated, bytes flipped, NULs, broken boundaries, random charsets and transfer encodings,
// huge lines, deep nesting, thousands of parts, line endings). Whatever the bytes, the parser
// must not throw, and must give a message with a sender and some text (the explicit placeholder
// only when nothing could be read) or a quarantined one carrying the raw source and a reason;
// and no control character may reach the event. FUZZ_SEED replays a failure (the seed is in the
// report), FUZZ_RUNS sets the number of cases, FUZZ_SCALE multiplies it as elsewhere.
const config = { address: 'soporte@centralita.test', subjectWindowDays: 7 } as Parameters<typeof toEvents>[1];
const runs = (fallback: number) => fuzzParameters(process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : fallback);
const files = corpus.map((e) => e.file);
const sources = new Map(files.map((f) => [f, corpusFile(f)]));

/** A generated mail that prints as what was done to it, not as its (maybe megabytes of) bytes. */
class Mail {
  constructor(
    readonly description: string,
    readonly raw: Buffer,
  ) {}
  [fc.toStringMethod](): string {
    return `${this.description} (${this.raw.length} bytes)`;
  }
}

type Spoil = { name: string; apply: (raw: Buffer) => Buffer };

const at = (raw: Buffer, n: number) => (raw.length === 0 ? 0 : n % (raw.length + 1));
const splice = (raw: Buffer, i: number, insert: Buffer, remove = 0) =>
  Buffer.concat([raw.subarray(0, i), insert, raw.subarray(Math.min(raw.length, i + remove))]);
const replaceAll = (raw: Buffer, re: RegExp, by: (m: string) => string) => Buffer.from(raw.toString('latin1').replace(re, by), 'latin1');

const CHARSETS = [
  'utf-8',
  'x-unknown',
  'utf-7',
  'utf-16',
  'utf-32',
  'base64',
  '',
  '"',
  'ISO-2022-JP',
  'gb18030',
  'koi8-u',
  'windows-874',
  'us-ascii',
  'x\u0000y',
];
const CTES = [
  'base64',
  'quoted-printable',
  'base 64',
  'x-uue',
  '8bit/7bit',
  'quoted-printable; charset=x',
  '',
  '"base64"',
  'binary',
  'QUOTED_PRINTABLE',
  '7bit',
];

const spoil: fc.Arbitrary<Spoil> = fc.oneof(
  fc.nat().map((n) => ({ name: `truncated at ${n}`, apply: (r: Buffer) => r.subarray(0, at(r, n)) })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([n, x]) => ({
    name: `byte ${n} xor ${x}`,
    apply: (r: Buffer) => {
      const b = Buffer.from(r);
      if (b.length > 0) b[n % b.length] = (b[n % b.length] as number) ^ x;
      return b;
    },
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 64 })).map(([n, k]) => ({
    name: `${k} NUL inserted at ${n}`,
    apply: (r: Buffer) => splice(r, at(r, n), Buffer.alloc(k)),
  })),
  fc
    .tuple(fc.nat(), fc.constantFrom([0x80], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xff, 0xfe], [0x1b, 0x24, 0x42], [0x0d], [0x0a, 0x0a]))
    .map(([n, bytes]) => ({ name: `bytes ${bytes.join(',')} at ${n}`, apply: (r: Buffer) => splice(r, at(r, n), Buffer.from(bytes)) })),
  fc.constantFrom<Spoil>(
    { name: 'closing boundaries removed', apply: (r) => replaceAll(r, /^(--[^\r\n]+)--[ \t]*$/gm, (m) => m.slice(0, -2)) },
    { name: 'delimiter lines removed', apply: (r) => replaceAll(r, /^--[^\r\n]+\r?\n/gm, () => '') },
    { name: 'boundaries renamed', apply: (r) => replaceAll(r, /boundary="?([^";\r\n]+)"?/gi, () => 'boundary="renamed"') },
    { name: 'boundary made empty', apply: (r) => replaceAll(r, /boundary="?([^";\r\n]+)"?/gi, () => 'boundary=""') },
    { name: 'LF line endings', apply: (r) => replaceAll(r, /\r\n/g, () => '\n') },
    { name: 'CR line endings', apply: (r) => replaceAll(r, /\r?\n/g, () => '\r') },
    { name: 'headers and body run together', apply: (r) => replaceAll(r, /\r?\n\r?\n/, () => '\r\n') },
    { name: 'raw 8-bit subject', apply: (r) => replaceAll(r, /^Subject:/im, () => 'Subject: \xe9\xe8\x80\x93\xff') },
    { name: 'From removed', apply: (r) => replaceAll(r, /^From:.*$/gim, () => 'X-Was-From: removed') },
  ),
  fc.constantFrom(...CHARSETS).map((cs) => ({
    name: `charset ${JSON.stringify(cs)}`,
    apply: (r: Buffer) => replaceAll(r, /charset="?[^";\s]*"?/gi, () => `charset=${cs}`),
  })),
  fc.constantFrom(...CTES).map((cte) => ({
    name: `transfer encoding ${JSON.stringify(cte)}`,
    apply: (r: Buffer) => replaceAll(r, /^(Content-Transfer-Encoding:).*$/gim, (m) => `${m.split(':')[0]}: ${cte}`),
  })),
  fc.tuple(fc.nat(), fc.integer({ min: 10_000, max: 300_000 }), fc.constantFrom('a', ' ', '=', '<b>', '\xe9')).map(([n, len, c]) => ({
    name: `a ${len}-character line of ${JSON.stringify(c)} at ${n}`,
    apply: (r: Buffer) => splice(r, at(r, n), Buffer.from(c.repeat(Math.ceil(len / c.length)), 'latin1')),
  })),
  fc.integer({ min: 2, max: 300 }).map((depth) => ({
    name: `body wrapped in ${depth} multiparts`,
    apply: (r: Buffer) => {
      const text = r.toString('latin1');
      const split = text.search(/\r?\n\r?\n/);
      const body = split < 0 ? '' : text.slice(split).replace(/^\r?\n\r?\n/, '');
      const open = Array.from({ length: depth }, (_, i) => `--w${i}\r\nContent-Type: multipart/mixed; boundary="w${i + 1}"\r\n\r\n`).join(
        '',
      );
      const close = Array.from({ length: depth }, (_, i) => `--w${depth - i}--\r\n`).join('');
      const leaf = `--w${depth}\r\nContent-Type: text/plain\r\n\r\n${body}\r\n`;
      return Buffer.from(`${headOf(r)}\r\nContent-Type: multipart/mixed; boundary="w0"\r\n\r\n${open}${leaf}${close}--w0--\r\n`, 'latin1');
    },
  })),
  fc.integer({ min: 1001, max: 1500 }).map((parts) => ({
    name: `${parts} parts`,
    apply: (r: Buffer) => {
      const many = Array.from({ length: parts }, (_, i) => `--m\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
      return Buffer.from(`${headOf(r)}\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n${many}--m--\r\n`, 'latin1');
    },
  })),
  fc.integer({ min: 1_100_000, max: 1_300_000 }).map((size) => ({
    name: `a ${size}-byte header`,
    apply: (r: Buffer) => Buffer.concat([Buffer.from(`X-Huge: ${'h'.repeat(size)}\r\n`), r]),
  })),
);

/** The header block of a message, without its MIME headers. */
function headOf(raw: Buffer): string {
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  return (split < 0 ? text : text.slice(0, split)).replace(/^Content-Type:.*(\r?\n[ \t].*)*$/gim, '');
}

const fromCorpus: fc.Arbitrary<Mail> = fc.tuple(fc.constantFrom(...files), fc.array(spoil, { minLength: 1, maxLength: 3 })).map(
  ([file, spoils]) =>
    new Mail(
      `${file}, ${spoils.map((s) => s.name).join(', then ')}`,
      spoils.reduce((raw, s) => s.apply(raw), sources.get(file) as Buffer),
    ),
);

const fromBytes: fc.Arbitrary<Mail> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }).map((b) => new Mail(`${b.length} random bytes`, Buffer.from(b))),
  // Random bytes behind a plausible header block, so they reach the body parsers.
  fc
    .tuple(
      fc.constantFrom('text/plain', 'text/html', 'multipart/mixed; boundary=x', 'message/rfc822', 'text/calendar'),
      fc.uint8Array({ maxLength: 4096 }),
    )
    .map(
      ([type, b]) =>
        new Mail(
          `${type} with ${b.length} random bytes`,
          Buffer.concat([Buffer.from(`From: a@example.com\r\nSubject: s\r\nContent-Type: ${type}\r\n\r\n`), b]),
        ),
    ),
  fc.integer({ min: 150, max: 400 }).map((depth) => {
    // The same boundary at every level, never closed.
    const open = Array.from({ length: depth }, () => '--n\r\nContent-Type: multipart/related; boundary=n\r\n\r\n').join('');
    return new Mail(
      `${depth} levels sharing one boundary, unclosed`,
      Buffer.from(`From: a@example.com\r\nContent-Type: multipart/mixed; boundary=n\r\n\r\n${open}--n\r\n\r\nhondo\r\n`),
    );
  }),
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Every string in a value, with where it is, for the control-character check. */
function strings(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([path, value]);
  else if (value && typeof value === 'object' && !(value instanceof Date) && !ArrayBuffer.isView(value))
    for (const [k, v] of Object.entries(value)) {
      out.push([`${path} (key)`, k]);
      strings(v, `${path}.${k}`, out);
    }
  return out;
}

function check(mail: Mail, parsed: ParsedEmail, events: InboundEvent[]): void {
  const message = events[0] as MessageReceivedEvent;
  expect(message.type).toBe('message.received');
  for (const e of events) expect(eventProblems(e), mail.description).toEqual([]);
  expect(message.sender.externalId.length).toBeGreaterThan(0);
  if (parsed.fromSource === 'unknown') expect(message.sender.externalId).toBe(UNKNOWN_SENDER);
  expect(message.text.trim().length, 'some text, or the explicit placeholder').toBeGreaterThan(0);
  for (const [where, s] of strings(message, 'event'))
    expect(CONTROL.test(s), `control character in ${where}: ${JSON.stringify(s.slice(0, 80))}`).toBe(false);
  if (parsed.quarantine) {
    expect(parsed.quarantine.reason.length).toBeGreaterThan(0);
    expect(message.metadata?.quarantine).toEqual(parsed.quarantine);
    const original = message.attachments?.find((a) => a.filename === 'original.eml');
    expect(Buffer.from(original?.content ?? []).equals(mail.raw), 'the raw source is kept').toBe(true);
    expect(message.text).toContain(parsed.quarantine.reason);
  }
  // A parse that does not end is quarantined too; none of these should take that long.
  expect(parsed.quarantine?.reason ?? '').not.toMatch(/took longer/);
}

describe('generated hostile mail', () => {
  it('never throws, always gives a sender and some text or a quarantine with the source, and no control characters', async () => {
    let quarantined = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: fromCorpus }, { weight: 1, arbitrary: fromBytes }), async (mail) => {
        const parsed = await parseEmail(mail.raw, { timeoutMs: 15_000 });
        if (parsed.quarantine) quarantined++;
        check(mail, parsed, toEvents(parsed, config, new Date()));
      }),
      { ...runs(1000), verbose: 1 },
    );
    // The limits of the MIME parser (more than 1000 parts) are reached, and quarantined, not lost.
    expect(quarantined).toBeGreaterThan(0);
  }, 120_000);

  it('reads HTML nested 300,000 deep in bounded time, keeping its text', async () => {
    // sanitize-html's time grows with the square of the depth: this took minutes.
    const bomb = `${'<b>'.repeat(300_000)}Necesito ayuda con la factura`;
    const raw = Buffer.from(`From: a@example.com\r\nSubject: bomba\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${bomb}\r\n`);
    const started = Date.now();
    const parsed = await parseEmail(raw);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(parsed.text).toBe('Necesito ayuda con la factura');
    expect(parsed.html).toBeNull();
    expect(parsed.repairs).toContain('HTML nested deeper than 1000 levels kept as text only');
  });

  it('reads long runs of spaces in bounded time (no regular expression scans them once per position)', async () => {
    const spaces = ' '.repeat(200_000);
    const raw = Buffer.from(
      `From: a@example.com\r\nSubject: espacios\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n--${spaces}x\r\nAntes${spaces}[cid:logo] y fin\r\n--b--\r\n`,
    );
    const started = Date.now();
    const parsed = await parseEmail(raw);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(parsed.text).toMatch(/^-- +x\nAntes +y fin$/);
  });

  it('keeps the text of corpus mail through line-ending and encoding-spelling damage', async () => {
    const withText = corpus.filter((e) => e.textIncludes.length > 0 && !e.placeholder);
    const damage = fc.constantFrom<Spoil>(
      { name: 'LF line endings', apply: (r) => replaceAll(r, /\r\n/g, () => '\n') },
      { name: 'CR line endings', apply: (r) => replaceAll(r, /\r?\n/g, () => '\r') },
      {
        name: 'transfer encodings misspelt',
        apply: (r) =>
          replaceAll(r, /^(Content-Transfer-Encoding:)[ \t]*(base64|quoted-printable)[ \t]*$/gim, (m) =>
            /base64/i.test(m) ? 'Content-Transfer-Encoding: base 64' : 'Content-Transfer-Encoding: quoted-printable; charset="utf-8"',
          ),
      },
      {
        name: 'a boundary parameter on every text part',
        apply: (r) => replaceAll(r, /^(Content-Type:[ \t]*text\/(plain|html))/gim, (m) => `${m}; boundary="stray-0042"`),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...withText), fc.array(damage, { minLength: 1, maxLength: 2 }), async (entry, spoils) => {
        const raw = spoils.reduce((r, s) => s.apply(r), sources.get(entry.file) as Buffer);
        const parsed = await parseEmail(raw);
        const where = `${entry.file}, ${spoils.map((s) => s.name).join(', then ')}`;
        expect(parsed.quarantine, where).toBeNull();
        expect(parsed.from.address, where).toBe(entry.from);
        for (const s of entry.textIncludes) expect(parsed.text.replace(/\s+/g, ' '), where).toContain(s.replace(/\s+/g, ' '));
      }),
      { ...runs(300), verbose: 1 },
    );
  }, 120_000);
});
