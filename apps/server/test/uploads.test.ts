import { waitFor } from '@centralita/channel-kit/conformance';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeStaleUploads } from '../src/routes/uploads.ts';
import { call, createEmailAccount, createFixture, type Fixture, login, postForm, useServer } from './harness.ts';

// Files an agent attaches to a reply: uploaded raw, held as pending, linked by the reply, and
// delivered by the email channel to a real SMTP listener.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
let f: Fixture;
let peer: MailPeer;
let agent = '';
let supervisor = '';
let emailConversation = '';
let formConversation = '';

beforeAll(async () => {
  f = await createFixture(t);
  peer = await openMailPeer();
  await createEmailAccount(t.url, f.adminToken, peer.config);
  [agent, supervisor] = await Promise.all([login(t.url, f.users.agent.email), login(t.url, f.users.supervisor.email)]);
  const id = await peer.send({ from: 'Ana García <ana@example.com>', subject: 'El router', text: '¿Me mandáis el manual?' });
  emailConversation = await waitFor(
    async () =>
      (await t.db.current.db.kysely.selectFrom('messages').select('conversation_id').where('external_id', '=', id).executeTakeFirst())
        ?.conversation_id,
    { timeoutMs: 20_000, what: 'the customer’s mail to be stored' },
  );
  const form = await postForm(t.url, f.formAccountId, { name: 'Eva', email: 'eva@example.com', subject: 'Hola', message: 'Una duda' });
  expect(form.status, form.text).toBe(201);
  const rows = await call(t.url, 'GET', '/api/v1/conversations?channel=webform', { token: f.adminToken });
  formConversation = rows.json.items[0].id;
}, 60_000);

afterAll(async () => {
  await peer?.close();
});

interface UploadOptions {
  cookie?: string;
  token?: string;
  headers?: Record<string, string>;
  type?: string;
}

/** Uploads bytes as the console does: raw body, name in the query, the custom header with a cookie. */
async function upload(filename: string, bytes: Uint8Array | string, o: UploadOptions = {}) {
  const headers: Record<string, string> = { 'content-type': o.type ?? 'application/pdf', ...o.headers };
  if (o.cookie) {
    headers.cookie = o.cookie;
    headers['x-centralita-upload'] ??= '1';
  }
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const res = await fetch(`${t.url}/api/v1/attachments?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers,
    body: typeof bytes === 'string' ? bytes : Buffer.from(bytes),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
}

function reply(cookie: string, conversationId: string, body: object) {
  return call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { cookie, body: { text: 'Aquí lo tienes.', ...body } });
}

describe('uploading a file', () => {
  it('stores it as pending and answers its id, name, type and size', async () => {
    const res = await upload('manual.pdf', '%PDF-1.4 manual', { cookie: agent });
    expect(res.status, res.text).toBe(201);
    expect(res.json.attachment).toEqual({ id: expect.any(String), filename: 'manual.pdf', contentType: 'application/pdf', size: 15 });
    // Not downloadable until a message carries it.
    const get = await call(t.url, 'GET', `/api/v1/attachments/${res.json.attachment.id}`, { cookie: agent });
    expect(get.status).toBe(404);
  });

  it('refuses a file over the limit with 413 and says the limit, whether it says its length or streams', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 1);
    const res = await upload('grande.bin', big, { cookie: agent });
    expect(res.status).toBe(413);
    expect(res.json.error.message).toContain('up to 10 MB');
    const streamed = await fetch(`${t.url}/api/v1/attachments?filename=grande.bin`, {
      method: 'POST',
      headers: { cookie: agent, 'x-centralita-upload': '1', 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 11; i++) controller.enqueue(new Uint8Array(1024 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const exact = await upload('justo.bin', Buffer.alloc(10 * 1024 * 1024), { cookie: agent });
    expect(exact.status).toBe(201);
  });

  it('keeps only a safe name: no path, no direction overrides, no characters Windows refuses, 200 characters at most', async () => {
    const path = await upload('../../etc/\u202Egpj.exe<1>.txt', 'x', { cookie: agent });
    expect(path.json.attachment.filename).toBe('gpj.exe_1_.txt');
    const windows = await upload('C:\\Users\\ana\\factura:marzo.pdf', 'x', { cookie: agent });
    expect(windows.json.attachment.filename).toBe('factura_marzo.pdf');
    const long = await upload(`${'á'.repeat(300)}.pdf`, 'x', { cookie: agent });
    expect([...long.json.attachment.filename]).toHaveLength(200);
    expect(long.json.attachment.filename.endsWith('.pdf')).toBe(true);
    const dots = await upload('...', 'x', { cookie: agent });
    expect(dots.json.attachment.filename).toBe('file');
    // A control character is refused before the route sees it, like every other input.
    const control = await upload('a\u0001b.txt', 'x', { cookie: agent });
    expect(control.status).toBe(422);
    const missing = await fetch(`${t.url}/api/v1/attachments`, {
      method: 'POST',
      headers: { cookie: agent, 'x-centralita-upload': '1' },
      body: 'x',
    });
    expect(missing.status).toBe(422);
  });

  it('refuses a cookie upload from another site, and one without the upload header', async () => {
    const foreign = await upload('a.pdf', 'x', { cookie: agent, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const crossSite = await upload('a.pdf', 'x', { cookie: agent, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    const noHeader = await upload('a.pdf', 'x', { cookie: agent, headers: { 'x-centralita-upload': '' } });
    expect(noHeader.status).toBe(403);
    expect(noHeader.json.error.message).toContain('X-Centralita-Upload: 1');
    const form = await upload('a.pdf', 'field=x', {
      cookie: agent,
      type: 'application/x-www-form-urlencoded',
      headers: { 'x-centralita-upload': '' },
    });
    expect(form.status).toBe(403);
    const own = await upload('a.pdf', 'x', { cookie: agent, headers: { origin: t.url, 'sec-fetch-site': 'same-origin' } });
    expect(own.status).toBe(201);
    // An API token needs no header: no browser adds Authorization across sites.
    const token = await upload('a.pdf', 'x', { token: f.adminToken });
    expect(token.status).toBe(201);
    const anonymous = await upload('a.pdf', 'x');
    expect(anonymous.status).toBe(401);
  });

  it('leaves the JSON rule in place for every other cookie write', async () => {
    const res = await call(t.url, 'POST', `/api/v1/conversations/${emailConversation}/messages`, {
      cookie: agent,
      body: 'text=hola',
      headers: { 'content-type': 'text/plain', 'x-centralita-upload': '1' },
    });
    expect(res.status).toBe(415);
  });
});

describe('replying with files', () => {
  it('refuses ids that are not the caller’s pending uploads, naming attachmentIds, and sends nothing', async () => {
    const theirs = await upload('suyo.pdf', 'x', { cookie: supervisor });
    const foreign = await reply(agent, emailConversation, { attachmentIds: [theirs.json.attachment.id] });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error.details[0].field).toBe('attachmentIds');
    const unknown = await reply(agent, emailConversation, { attachmentIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.details[0].field).toBe('attachmentIds');
    const tooMany = await reply(agent, emailConversation, { attachmentIds: Array.from({ length: 11 }, () => theirs.json.attachment.id) });
    expect(tooMany.status).toBe(422);
    // The supervisor's file is still theirs to send.
    const own = await reply(supervisor, emailConversation, { kind: 'note', attachmentIds: [theirs.json.attachment.id] });
    expect(own.status, own.text).toBe(201);
    expect(own.json.message.attachments).toEqual([expect.objectContaining({ filename: 'suyo.pdf' })]);
    const again = await reply(supervisor, emailConversation, { kind: 'note', attachmentIds: [theirs.json.attachment.id] });
    expect(again.status).toBe(422);
  });

  it('refuses files on a reply where the channel does not take them, and takes them on a note there', async () => {
    const file = await upload('nota.pdf', 'x', { cookie: agent });
    const res = await reply(agent, formConversation, { attachmentIds: [file.json.attachment.id] });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('attachmentIds');
    expect(res.json.error.message).toContain('cannot carry files');
    const note = await reply(agent, formConversation, { kind: 'note', attachmentIds: [file.json.attachment.id] });
    expect(note.status, note.text).toBe(201);
  });

  it('delivers the files by email with their names and exact bytes, and serves them as downloads', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% manual del router\n%%EOF\n');
    const page = Buffer.from('<script>alert(1)</script>');
    const a = await upload('manual router.pdf', pdf, { cookie: agent });
    const b = await upload('página.html', page, { cookie: agent, type: 'text/html' });
    const before = peer.smtp.received.length;
    const res = await reply(agent, emailConversation, { attachmentIds: [a.json.attachment.id, b.json.attachment.id] });
    expect(res.status, res.text).toBe(201);
    expect(res.json.message.attachments.map((x: { filename: string }) => x.filename)).toEqual(['manual router.pdf', 'página.html']);
    await waitFor(() => peer.smtp.received.length > before, { timeoutMs: 20_000, what: 'the reply at the SMTP listener' });
    const mail = await simpleParser(peer.smtp.received[before]?.raw ?? Buffer.alloc(0));
    expect(mail.text?.trim()).toBe('Aquí lo tienes.');
    expect(mail.attachments.map((x) => x.filename)).toEqual(['manual router.pdf', 'página.html']);
    expect(mail.attachments[0]?.content.equals(pdf)).toBe(true);
    expect(mail.attachments[0]?.contentType).toBe('application/pdf');
    expect(mail.attachments[1]?.content.equals(page)).toBe(true);

    const listed = await call(t.url, 'GET', `/api/v1/conversations/${emailConversation}/messages?limit=200`, { cookie: agent });
    const sent = listed.json.items.find((m: { id: string }) => m.id === res.json.message.id);
    expect(sent.attachments).toHaveLength(2);
    const download = await fetch(`${t.url}/api/v1/attachments/${b.json.attachment.id}`, { headers: { cookie: agent } });
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('página.html')}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(page)).toBe(true);
  });
});

describe('uploads nobody sent', () => {
  it('are deleted with their bytes after a day, while bytes a message also uses stay', async () => {
    const db = t.db.current.db.kysely;
    const lonely = await upload('olvidado.pdf', 'solo aquí', { cookie: agent });
    const shared = await upload('copia.pdf', '%PDF-1.4\n% manual del router\n%%EOF\n', { cookie: agent });
    const fresh = await upload('reciente.pdf', 'recién subido', { cookie: agent });
    await db
      .updateTable('pending_uploads')
      .set({ created_at: new Date(Date.now() - 25 * 60 * 60_000) })
      .where('id', 'in', [lonely.json.attachment.id, shared.json.attachment.id])
      .execute();
    await purgeStaleUploads(t.node.ctx);
    const left = await db.selectFrom('pending_uploads').select('id').where('workspace_id', '=', f.workspaceId).execute();
    expect(left.map((r) => r.id)).toContain(fresh.json.attachment.id);
    expect(left.map((r) => r.id)).not.toContain(lonely.json.attachment.id);
    expect(left.map((r) => r.id)).not.toContain(shared.json.attachment.id);
    const blobs = await db.selectFrom('attachment_blobs').select('data').where('workspace_id', '=', f.workspaceId).execute();
    const contents = blobs.map((b) => b.data.toString());
    expect(contents).not.toContain('solo aquí');
    expect(contents).toContain('%PDF-1.4\n% manual del router\n%%EOF\n');
    expect(contents).toContain('recién subido');
    const gone = await reply(agent, emailConversation, { attachmentIds: [lonely.json.attachment.id] });
    expect(gone.status).toBe(422);
  });
});
