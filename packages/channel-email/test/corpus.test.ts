import type { MessageReceivedEvent } from '@centralita/core';
import { describe, expect, it } from 'vitest';
import { parseEmail, toEvents } from '../src/index.ts';
import { bigAttachmentMessage, corpus, corpusFile } from './corpus.ts';

// Every corpus file through the parser alone: identity, text, attachments, and what kind of mail it
// is. The same files go through Dovecot and the server in apps/server/test/email-corpus.test.ts.
const config = {
  address: 'soporte@centralita.test',
  subjectWindowDays: 7,
} as Parameters<typeof toEvents>[1];

describe('the email corpus, parsed', () => {
  it('holds at least 70 real-world-shaped messages', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(70);
  });

  for (const entry of corpus) {
    it(`${entry.file}: ${entry.description}`, async () => {
      const mail = await parseEmail(corpusFile(entry.file));
      expect(mail.messageId).toBe(entry.messageId);
      if (entry.messageId === null) expect(mail.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(mail.from.address).toBe(entry.from);
      if (entry.fromName !== undefined) expect(mail.from.name).toBe(entry.fromName);
      expect(mail.subject).toBe(entry.subject ?? '');
      expect(mail.quarantine).toBeNull();
      expect(mail.automated ?? 'message').toBe(entry.kind);
      for (const s of entry.textIncludes) expect(mail.text, `visible text of ${entry.file}`).toContain(s);
      for (const s of entry.textExcludes) expect(mail.text, `visible text of ${entry.file}`).not.toContain(s);
      if (entry.textExcludes.length > 0) expect(mail.fullText.length).toBeGreaterThan(mail.text.length);
      for (const s of entry.textLacks ?? []) expect(mail.fullText, `full text of ${entry.file}`).not.toContain(s);
      // What a person reads: no control characters ever, and no U+FFFD unless the mail held controls.
      const [event] = toEvents(mail, config, new Date()) as [MessageReceivedEvent];
      for (const shown of [event.text, event.subject ?? '', event.sender.displayName ?? '']) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
        expect(shown).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/);
        if (!entry.allowReplacement) expect(shown, `${entry.file} shows a replacement character`).not.toContain('\uFFFD');
      }
      // The placeholder only when there is truly no text.
      expect(['(empty message)', '(attachments only)'].includes(event.text), `placeholder for ${entry.file}`).toBe(
        entry.placeholder === true,
      );
      expect(mail.cc.map((a) => a.address)).toEqual(entry.cc);
      // A bounce's report parts are machinery, not files; everything else the customer attached is kept.
      const expected = entry.kind === 'bounce' ? [] : entry.attachments;
      expect(mail.attachments.map((a) => ({ contentType: a.contentType, inline: a.inline }))).toEqual(
        expected.map((a) => ({ contentType: a.contentType, inline: a.inline })),
      );
      for (const [i, a] of expected.entries()) {
        if (a.filename) expect(mail.attachments[i]?.filename).toBe(a.filename);
        else expect(mail.attachments[i]?.filename.length).toBeGreaterThan(0);
        expect(mail.attachments[i]?.size).toBe(mail.attachments[i]?.content.length);
      }
      if (entry.kind === 'bounce') {
        expect(mail.bounce?.originalMessageId).toBe(entry.bounceOf);
        const events = toEvents(mail, config, new Date());
        expect(events.map((e) => e.type)).toEqual(['message.received', 'delivery.updated']);
      }
      // No script, handler or javascript: link survives into the HTML a console shows.
      if (mail.html) {
        expect(mail.html).not.toMatch(/<script|<iframe|<object|<form|<style|\son\w+\s*=|javascript:|<meta|<base/i);
        expect(mail.html).not.toMatch(/<img[^>]+\ssrc=["']?https?:/i);
      }
    });
  }

  it('blocks remote images and keeps what they pointed at for an agent to allow', async () => {
    const mail = await parseEmail(corpusFile('27-hostile-html.eml'));
    expect(mail.remoteImages).toBeGreaterThan(0);
    expect(mail.html).toContain('data-remote-src="https://tracker.example.net/p.gif"');
  });

  it('reads a 10 MB attachment whole', async () => {
    const big = bigAttachmentMessage('soporte@centralita.test');
    const mail = await parseEmail(Buffer.from(big.raw));
    expect(mail.text).toBe('Os adjunto la grabación del router parpadeando.');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.size).toBe(big.size);
  });
});
