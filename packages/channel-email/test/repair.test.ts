import { describe, expect, it } from 'vitest';
import { parseEmail } from '../src/index.ts';
import { repairMime } from '../src/repair.ts';
import { bigAttachmentMessage, corpus, corpusFile } from './corpus.ts';

// The raw-byte repairs one by one, on the smallest message that needs each; the corpus files show
// them on real-world shapes. Well-formed mail must come through untouched.
const mail = (...lines: (string | Buffer)[]) =>
  Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(`${l}\r\n`, 'latin1') : Buffer.concat([l, Buffer.from('\r\n')]))));

describe('repairing broken MIME before it is parsed', () => {
  it('leaves well-formed mail byte for byte as it came', () => {
    const wellFormed = corpus.filter((e) => Number.parseInt(e.file, 10) <= 34).map((e) => corpusFile(e.file));
    wellFormed.push(Buffer.from(bigAttachmentMessage('soporte@centralita.test').raw));
    for (const raw of wellFormed) {
      const out = repairMime(raw);
      expect(out.repairs).toEqual([]);
      expect(out.raw).toBe(raw);
    }
  });

  it('reads bare CR line endings as CRLF, also behind a Received line the server wrote with CRLF', async () => {
    const raw = Buffer.concat([
      Buffer.from('Received: from mx.example.com by mx1.centralita.test; Fri, 6 Nov 2026 10:00:00 +0000\r\n'),
      Buffer.from(['From: Martin <martin@example.ch>', 'Subject: Bare CR', '', 'Line one', 'Line two', ''].join('\r')),
    ]);
    const parsed = await parseEmail(raw);
    expect(parsed.from.address).toBe('martin@example.ch');
    expect(parsed.subject).toBe('Bare CR');
    expect(parsed.text).toBe('Line one\nLine two');
  });

  it('reads a part declared base64 whose body is plain text as 8bit', async () => {
    const raw = mail(
      'From: a@example.com',
      'Subject: x',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      'Hola, esto no es base64: lo escribió una persona.',
      'Segunda línea del mensaje.',
    );
    const parsed = await parseEmail(raw);
    expect(parsed.text).toContain('Hola, esto no es base64');
    expect(parsed.repairs).toContain('a part declared base64 that is plain text read as 8bit');
  });

  it('decodes base64 that was padded chunk by chunk', async () => {
    // An encoder that wrote each buffer it was given as its own base64, padding included.
    const parts = ['Primera parte del texto que llega, ', 'después la segunda parte del texto, ', 'y al final la tercera.'];
    const chunks = parts.map((c) => Buffer.from(c).toString('base64'));
    expect(chunks.every((c) => c.endsWith('='))).toBe(true);
    const raw = mail(
      'From: a@example.com',
      'Subject: x',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      ...chunks,
    );
    expect((await parseEmail(raw)).text).toBe(parts.join(''));
  });

  it('reads lines without a colon after the headers, with no blank line before them, as the body', async () => {
    const raw = mail('From: Ana <ana@example.com>', 'Subject: Sin línea en blanco', 'Hola, el cuerpo empieza aquí', 'y sigue aquí.');
    const parsed = await parseEmail(raw);
    expect(parsed.subject).toBe('Sin línea en blanco');
    expect(parsed.text).toBe('Hola, el cuerpo empieza aquí\ny sigue aquí.');
  });

  it('never glues a stray line onto a MIME header', () => {
    const raw = mail(
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary=abc',
      'garbage line',
      'Subject: x',
      '',
      '--abc',
      '',
      'hola',
      '--abc--',
    );
    expect(repairMime(raw).raw).toBe(raw);
  });

  it('reads an undeclared 8-bit body in the charset the message declares elsewhere', async () => {
    const raw = mail(
      'From: a@example.com',
      'Subject: x',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: 8bit',
      '',
      Buffer.from([0x4b, 0x6f, 0x72, 0x76, 0x61, 0x20, 0xe8, 0x72, 0x6e, 0xe1]), // "Korva črná" in ISO-8859-2
      '--b',
      'Content-Type: text/html; charset=iso-8859-2',
      'Content-Transfer-Encoding: 7bit',
      '',
      '<p>Korva</p>',
      '--b--',
    );
    expect((await parseEmail(raw)).text).toBe('Korva črná');
  });
});
