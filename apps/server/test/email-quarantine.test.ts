import { waitFor } from '@centralita/channel-kit/conformance';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailAccount, createFixture, type Fixture, useServer } from './harness.ts';

// Hostile mail between good mail in a real Dovecot mailbox, read by the server into PostgreSQL:
// a mail the MIME parser gives up on, NUL bytes (PostgreSQL's text refuses U+0000), 300 levels of
// multipart, plain binary garbage. Every mail must be stored exactly once, the hostile ones
// parsed or quarantined with their source, and reading must go on to the mail after them.
const t = useServer({ worker: false, pullLockRetryMs: 200 });
let f: Fixture;
let peer: MailPeer;
let accountId = '';

interface Row {
  id: string;
  external_id: string | null;
  subject: string | null;
  text: string;
  metadata: Record<string, unknown>;
}

const good = (n: number) => ({ from: `cliente${n}@example.com`, subject: `Consulta buena ${n}`, text: `Texto de la consulta ${n}` });

function head(id: string, subject: string, type: string): string {
  return `From: Hostil <hostil@example.net>\r\nTo: soporte@centralita.test\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Fri, 6 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: ${type}\r\n\r\n`;
}

const hostile: { id: string; raw: Buffer; quarantined: boolean; textIncludes?: string }[] = [
  {
    // More parts than mailparser accepts: it throws, the mail is quarantined.
    id: 'too-many-parts@example.net',
    raw: Buffer.from(
      head('too-many-parts@example.net', 'Demasiadas partes', 'multipart/mixed; boundary=m') +
        Array.from({ length: 1200 }, (_, i) => `--m\r\nContent-Type: text/plain\r\n\r\nparte ${i}\r\n`).join('') +
        '--m--\r\n',
    ),
    quarantined: true,
  },
  {
    id: 'nul-bytes@example.net',
    raw: Buffer.concat([
      Buffer.from(
        'From: Hostil <hostil@example.net>\r\nTo: soporte@centralita.test\r\nSubject: Con\u0000NUL\r\nMessage-ID: <nul-bytes@example.net>\r\n',
      ),
      Buffer.from('MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAntes\u0000\u0000del NUL y despu\u00e9s\u0007\r\n'),
    ]),
    quarantined: false,
    textIncludes: 'del NUL y después',
  },
  {
    id: 'deep-300@example.net',
    raw: Buffer.from(
      `${head('deep-300@example.net', 'Trescientos niveles', 'multipart/mixed; boundary="d0"')}${Array.from(
        { length: 300 },
        (_, i) => `--d${i}\r\nContent-Type: multipart/related; boundary="d${i + 1}"\r\n\r\n`,
      ).join('')}--d300\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nEl texto del fondo\r\n${Array.from(
        { length: 301 },
        (_, i) => `--d${300 - i}--\r\n`,
      ).join('')}`,
    ),
    quarantined: false,
    textIncludes: 'El texto del fondo',
  },
  {
    // No Message-ID, no From: stored by the hash of its bytes, from the envelope sender.
    id: 'garbage',
    raw: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256).filter((b) => b !== 0x0a && b !== 0x0d)),
    quarantined: false,
  },
];

async function inbound(): Promise<Row[]> {
  return (await t.db.current.db.kysely
    .selectFrom('messages')
    .select(['id', 'external_id', 'subject', 'text', 'metadata'])
    .where('channel_account_id', '=', accountId)
    .where('direction', '=', 'inbound')
    .execute()) as Row[];
}

let rows: Row[] = [];

beforeAll(async () => {
  f = await createFixture(t);
  peer = await openMailPeer();
  accountId = await createEmailAccount(t.url, f.adminToken, peer.config);
  // Good, hostile, good, hostile, ... good: each hostile mail has good mail on both sides.
  let n = 0;
  await peer.send(good(n++));
  for (const h of hostile) {
    await peer.deliverRaw(h.raw, 'hostil@example.net');
    await peer.send(good(n++));
  }
  const total = n + hostile.length;
  rows = await waitFor(
    async () => {
      const found = await inbound();
      return found.length >= total ? found : undefined;
    },
    { timeoutMs: 60_000, what: `all ${total} messages stored` },
  );
}, 120_000);

afterAll(async () => {
  await peer?.close();
});

describe('hostile mail among good mail, through Dovecot and the server', () => {
  it('stores every message exactly once, and reads on past the hostile ones', () => {
    expect(rows).toHaveLength(hostile.length + hostile.length + 1);
    expect(new Set(rows.map((r) => r.external_id)).size).toBe(rows.length);
    for (let i = 0; i <= hostile.length; i++) {
      const row = rows.filter((r) => r.subject === good(i).subject);
      expect(row, good(i).subject).toHaveLength(1);
      expect(row[0]?.text).toBe(good(i).text);
    }
  });

  it('stores each hostile message once, parsed or quarantined with its source', async () => {
    const db = t.db.current.db.kysely;
    for (const h of hostile.filter((x) => x.id !== 'garbage')) {
      const row = rows.find((r) => r.external_id === `<${h.id}>`);
      expect(row, h.id).toBeDefined();
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
      expect(row?.text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      if (h.textIncludes) expect(row?.text).toContain(h.textIncludes);
      const quarantine = row?.metadata.quarantine as { reason: string; size: number } | undefined;
      if (!h.quarantined) {
        expect(quarantine).toBeUndefined();
        continue;
      }
      expect(quarantine?.reason).toMatch(/Max allowed child nodes exceeded/);
      expect(row?.text).toContain('original.eml');
      const file = await db
        .selectFrom('attachments')
        .selectAll()
        .where('message_id', '=', row?.id as string)
        .executeTakeFirstOrThrow();
      expect(file).toMatchObject({ filename: 'original.eml', content_type: 'message/rfc822' });
      // The source as the mailbox holds it: the delivered bytes plus the headers Dovecot adds.
      expect(file.size).toBe(quarantine?.size);
      expect(file.size).toBeGreaterThanOrEqual(h.raw.length);
      const blob = await db.selectFrom('attachment_blobs').select('data').where('key', '=', file.storage_key).executeTakeFirstOrThrow();
      expect(Buffer.from(blob.data).toString('latin1')).toContain('parte 1199');
    }
    const garbage = rows.filter((r) => r.external_id?.startsWith('sha256:'));
    expect(garbage).toHaveLength(1);
  });
});
