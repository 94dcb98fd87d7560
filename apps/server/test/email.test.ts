import { waitFor } from '@centralita/channel-kit/conformance';
import { type MailPeer, openMailPeer } from '@centralita/testing';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createEmailAccount, createFixture, type Fixture, login, useServer } from './harness.ts';

// The email channel end to end: a real Dovecot mailbox read over IMAP (IDLE), replies caught by a
// real SMTP listener, and the server's job queue in between.
const t = useServer({ worker: true, pullLockRetryMs: 200 });
let f: Fixture;
let peer: MailPeer;
let accountId = '';
let cookie = '';

beforeAll(async () => {
  f = await createFixture(t);
  peer = await openMailPeer();
  accountId = await createEmailAccount(t.url, f.adminToken, peer.config);
});

afterAll(async () => {
  await peer?.close();
});

async function messagesOf(conversationId: string) {
  const res = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages?limit=200`, { token: f.adminToken });
  return res.json.items as {
    id: string;
    text: string;
    externalId: string | null;
    threadRule: string | null;
    direction: string;
    deliveryState: string;
    failureReason: string | null;
    automated: string | null;
    attachments: { id: string; filename: string; size: number; contentType: string }[];
  }[];
}

/** The stored inbound message with this Message-ID, once the reader has stored it. */
async function stored(externalId: string) {
  return waitFor(
    () =>
      t.db.current.db.kysely
        .selectFrom('messages')
        .select(['id', 'conversation_id', 'thread_rule', 'text'])
        .where('external_id', '=', externalId)
        .executeTakeFirst(),
    { timeoutMs: 20_000, what: `message ${externalId} to be stored` },
  );
}

/** An agent's reply, written by a signed-in person (whose name goes in From). */
async function reply(conversationId: string, text: string) {
  cookie ||= await login(t.url, f.users.admin.email);
  const res = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { cookie, body: { text } });
  expect(res.status, res.text).toBe(201);
  return res.json.message as { id: string };
}

async function deliveryOf(messageId: string, state: string) {
  return waitFor(
    async () => {
      const row = await t.db.current.db.kysely
        .selectFrom('messages')
        .select(['delivery_state', 'external_id', 'failure_reason'])
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      return row.delivery_state === state ? row : undefined;
    },
    { timeoutMs: 20_000, what: `message ${messageId} to be ${state}` },
  );
}

describe('email in and out', () => {
  let conversationId = '';
  let firstId = '';
  let sentId = '';

  it('turns a message delivered to the mailbox into a conversation', async () => {
    firstId = await peer.send({
      from: 'Ana García <ana@example.com>',
      subject: 'Mi fibra no funciona',
      text: 'Desde ayer no tengo conexión.',
      headers: { Cc: `Luis <luis@example.com>, ${peer.mailbox.address}` },
    });
    const row = await stored(firstId);
    conversationId = row.conversation_id;
    expect(row.text).toBe('Desde ayer no tengo conexión.');
    const conv = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}`, { token: f.adminToken });
    expect(conv.json.conversation.subject).toBe('Mi fibra no funciona');
    expect(conv.json.contact.identities).toContainEqual(
      expect.objectContaining({ kind: 'email', externalId: 'ana@example.com', verified: true }),
    );
  });

  it('sends an agent reply over SMTP with the threading headers a mail client needs', async () => {
    const message = await reply(conversationId, 'Hola Ana, ya lo estamos mirando.');
    const sent = await deliveryOf(message.id, 'sent');
    sentId = sent.external_id as string;
    await waitFor(() => peer.smtp.received.length >= 1, { what: 'the reply at the SMTP listener' });
    const captured = peer.smtp.received[0];
    // The customer's CC is kept on the reply; our own address is not copied back to ourselves.
    expect(captured?.to).toEqual(['ana@example.com', 'luis@example.com']);
    const mail = await simpleParser(captured?.raw ?? Buffer.alloc(0));
    expect((Array.isArray(mail.cc) ? mail.cc : [mail.cc]).flatMap((c) => c?.value.map((v) => v.address) ?? [])).toEqual([
      'luis@example.com',
    ]);
    expect(mail.inReplyTo).toBe(firstId);
    expect(mail.references).toContain(firstId);
    expect(mail.messageId).toBe(sent.external_id);
    expect(mail.subject).toMatch(/^Re: Mi fibra no funciona \[#[0-9A-Z]{10}\]$/);
    expect(mail.from?.value[0]?.name).toBe('admin (Soporte)');
    expect(mail.text?.trim()).toBe('Hola Ana, ya lo estamos mirando.');
    expect(mail.html).toContain('<p>Hola Ana, ya lo estamos mirando.</p>');
  });

  it('threads the customer’s answer by In-Reply-To, by reply token, and by subject', async () => {
    const byHeader = await peer.send({ from: 'ana@example.com', subject: 'Re: Mi fibra no funciona', text: 'Gracias.', inReplyTo: sentId });
    expect(await stored(byHeader)).toMatchObject({ conversation_id: conversationId, thread_rule: 'in_reply_to' });

    const mail = await simpleParser(peer.smtp.received[0]?.raw ?? Buffer.alloc(0));
    const tokenOnly = await peer.send({
      from: 'ana.otra@example.org',
      subject: `Otra cosa ${/\[#\w+\]/.exec(mail.subject ?? '')?.[0]}`,
      text: 'Sigo sin línea.',
    });
    expect(await stored(tokenOnly)).toMatchObject({ conversation_id: conversationId, thread_rule: 'reply_token' });

    const bySubject = await peer.send({ from: 'ana@example.com', subject: 'RE: Mi fibra no funciona', text: 'Ya funciona.' });
    expect(await stored(bySubject)).toMatchObject({ conversation_id: conversationId, thread_rule: 'subject' });

    const otherSender = await peer.send({ from: 'luis@example.com', subject: 'RE: Mi fibra no funciona', text: 'A mí tampoco.' });
    expect((await stored(otherSender)).conversation_id).not.toBe(conversationId);
  });

  it('marks our message failed when a bounce reports it, without reopening the conversation', async () => {
    const status = await call(t.url, 'POST', `/api/v1/conversations/${conversationId}/status`, {
      token: f.adminToken,
      body: { action: 'resolve' },
    });
    expect(status.status, status.text).toBe(200);
    const sent = await reply(conversationId, 'Un último detalle.');
    const row = await deliveryOf(sent.id, 'sent');
    await peer.deliverRaw(dsn(peer.mailbox.address, row.external_id as string), 'MAILER-DAEMON@example.com');
    const failed = await deliveryOf(sent.id, 'failed');
    expect(failed.failure_reason).toContain('5.1.1');
    const conv = await call(t.url, 'GET', `/api/v1/conversations/${conversationId}`, { token: f.adminToken });
    expect(conv.json.conversation.status).toBe('resolved');
    const bounce = (await messagesOf(conversationId)).find((m) => m.automated === 'bounce');
    expect(bounce?.threadRule).toBe('in_reply_to');
  });

  it('shows a permanent SMTP refusal on the message and does not retry it', async () => {
    const before = peer.smtp.received.length;
    peer.smtp.failNext({ code: 550, message: 'Mailbox unavailable' });
    const sent = await reply(conversationId, 'Este no llegará.');
    const failed = await deliveryOf(sent.id, 'failed');
    expect(failed.failure_reason).toMatch(/550.*Mailbox unavailable/);
    // The job ends (its row is deleted once the task returns) instead of waiting for a retry.
    await waitFor(
      async () =>
        (
          await t.db.current.db.kysely
            .selectFrom('graphile_worker.jobs' as never)
            .select('key' as never)
            .where('key' as never, '=', `send:${sent.id}` as never)
            .execute()
        ).length === 0,
      { what: 'the send job to finish without a retry' },
    );
    expect(peer.smtp.received.length).toBe(before);
  });

  it('keeps attachments, lists them on the message and serves the exact bytes as a download', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% factura\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    const raw = [
      'From: ana@example.com',
      `To: ${peer.mailbox.address}`,
      'Subject: Factura adjunta',
      'Message-ID: <adjunto-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Os mando la factura.',
      '--b1',
      'Content-Type: application/pdf; name="factura.pdf"',
      'Content-Disposition: attachment; filename="factura.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    await peer.deliverRaw(raw);
    const row = await stored('<adjunto-1@example.com>');
    const message = (await messagesOf(row.conversation_id)).find((m) => m.externalId === '<adjunto-1@example.com>');
    expect(message?.attachments).toEqual([
      expect.objectContaining({ filename: 'factura.pdf', contentType: 'application/pdf', size: pdf.length }),
    ]);
    const res = await fetch(`${t.url}/api/v1/attachments/${message?.attachments[0]?.id}`, {
      headers: { authorization: `Bearer ${f.adminToken}` },
    });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
  });
});

describe('an agent writing first', () => {
  it('starts an email conversation pending the customer, assigned to the agent, and their answer threads into it', async () => {
    cookie ||= await login(t.url, f.users.admin.email);
    const before = peer.smtp.received.length;
    const res = await call(t.url, 'POST', '/api/v1/conversations', {
      cookie,
      body: {
        channelAccountId: accountId,
        to: 'Marta@Example.com',
        name: 'Marta',
        subject: 'Su cita del jueves',
        text: '¿Le viene bien a las 10?',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json.conversation).toMatchObject({ status: 'pending', assigneeId: f.users.admin.id, subject: 'Su cita del jueves' });
    const sent = await deliveryOf(res.json.message.id, 'sent');
    await waitFor(() => peer.smtp.received.length > before, { what: 'the first email' });
    expect(peer.smtp.received[before]?.to).toEqual(['marta@example.com']);
    const mail = await simpleParser(peer.smtp.received[before]?.raw ?? Buffer.alloc(0));
    expect(mail.subject).toMatch(/^Su cita del jueves \[#[0-9A-Z]{10}\]$/);
    const answer = await peer.send({
      from: 'marta@example.com',
      subject: `Re: ${mail.subject}`,
      text: 'Sí, perfecto.',
      inReplyTo: sent.external_id as string,
    });
    expect(await stored(answer)).toMatchObject({ conversation_id: res.json.conversation.id, thread_rule: 'in_reply_to' });
    const conv = await call(t.url, 'GET', `/api/v1/conversations/${res.json.conversation.id}`, { token: f.adminToken });
    expect(conv.json.conversation.status).toBe('open');
    expect(conv.json.contact.identities).toEqual([
      expect.objectContaining({ kind: 'email', externalId: 'marta@example.com', verified: true }),
    ]);
  });

  it('refuses to start a conversation on a channel only customers can start', async () => {
    const res = await call(t.url, 'POST', '/api/v1/conversations', {
      token: f.adminToken,
      body: { channelAccountId: f.formAccountId, to: 'x@example.com', subject: 'Hola', text: 'Hola' },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toContain('started by the customer');
  });
});

describe('web-form customers and email', () => {
  it('get their link by email, a copy of each reply, and their email answer threads back', async () => {
    const before = peer.smtp.received.length;
    const posted = await call(t.url, 'POST', `/webhooks/${f.formAccountId}`, {
      body: { name: 'Eva', email: 'eva@example.com', subject: 'Cambio de tarifa', message: 'Quiero cambiar de tarifa, por favor.' },
    });
    expect(posted.status, posted.text).toBeLessThan(300);
    const conv = await waitFor(
      () =>
        t.db.current.db.kysely
          .selectFrom('conversations as c')
          .innerJoin('identities as i', 'i.contact_id', 'c.contact_id')
          .select('c.id')
          .where('i.external_id', '=', 'eva@example.com')
          .where('c.channel_account_id', '=', f.formAccountId)
          .executeTakeFirst(),
      { what: 'the web-form conversation' },
    );
    const conversationId = conv.id;
    await waitFor(() => peer.smtp.received.length >= before + 1, { what: 'the link by email' });
    const linkMail = await simpleParser(peer.smtp.received[before]?.raw ?? Buffer.alloc(0));
    expect(peer.smtp.received[before]?.to).toEqual(['eva@example.com']);
    expect(linkMail.text).toMatch(/\/c\/ctp_[\w-]+/);
    expect(linkMail.headers.get('auto-submitted')).toBe('auto-generated');

    await reply(conversationId, 'Hecho: ya tienes la tarifa nueva.');
    await waitFor(() => peer.smtp.received.length >= before + 2, { what: 'the copy of the reply by email' });
    const copy = await simpleParser(peer.smtp.received[before + 1]?.raw ?? Buffer.alloc(0));
    expect(copy.text?.trim()).toBe('Hecho: ya tienes la tarifa nueva.');

    const answer = await peer.send({
      from: 'eva@example.com',
      subject: `Re: ${copy.subject}`,
      text: '¡Gracias!',
      inReplyTo: copy.messageId as string,
    });
    expect(await stored(answer)).toMatchObject({ conversation_id: conversationId, thread_rule: 'in_reply_to' });
  });
});

describe('testing an account’s connection', () => {
  const test = (config: Record<string, unknown>) =>
    call(t.url, 'POST', '/api/v1/channel-accounts/test', {
      token: f.adminToken,
      body: { kind: 'email', config: { ...peer.config, ...config } },
    });

  it('reports every step, says exactly which failed, and saves nothing', async () => {
    const accountsBefore = (await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken })).json.items.length;
    const ok = await test({});
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.ok).toBe(true);
    expect(ok.json.checks.map((c: { name: string }) => c.name)).toEqual([
      'IMAP DNS',
      'IMAP connection and TLS',
      'IMAP login',
      'IMAP mailbox',
      'SMTP DNS',
      'SMTP connection, TLS and login',
    ]);

    const failed = (r: { json: { checks: { name: string; ok: boolean }[] } }) => r.json.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed(await test({ imapPassword: 'wrong' }))).toEqual(['IMAP login']);
    expect(failed(await test({ mailbox: 'Nonexistent' }))).toEqual(['IMAP mailbox']);
    expect(failed(await test({ imapHost: 'mail.does-not-exist.invalid' }))).toEqual(['IMAP DNS']);
    expect(failed(await test({ imapPort: 1 }))).toEqual(['IMAP connection and TLS']);
    expect(failed(await test({ imapTls: 'implicit' }))).toEqual(['IMAP connection and TLS']);
    const accountsAfter = (await call(t.url, 'GET', '/api/v1/channel-accounts', { token: f.adminToken })).json.items.length;
    expect(accountsAfter).toBe(accountsBefore);
    // Dovecot delays a refused login by 2 s, as real servers do; six probes need more than the default.
  }, 90_000);

  it('never returns or logs the passwords', async () => {
    const res = await call(t.url, 'GET', `/api/v1/channel-accounts`, { token: f.adminToken });
    const account = res.json.items.find((a: { id: string }) => a.id === accountId);
    expect(account.secrets).toEqual({ imapPassword: 'set', smtpPassword: 'set', tokenSecret: 'set' });
    expect(JSON.stringify(res.json)).not.toContain(peer.config.imapPassword);
    expect(t.logs.join('')).not.toContain(peer.config.tokenSecret);
  });
});

/** A delivery status notification (RFC 3464) as Postfix writes it, about `original`. */
function dsn(to: string, original: string): string {
  return [
    'From: MAILER-DAEMON@example.com (Mail Delivery System)',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${Date.now()}@example.com>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
    '',
    '--r1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I am sorry to have to inform you that your message could not be delivered.',
    '--r1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; ana@example.com',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown',
    '',
    '--r1',
    'Content-Type: text/rfc822-headers',
    '',
    `From: Soporte <${to}>`,
    'To: ana@example.com',
    `Message-ID: ${original}`,
    'Subject: Re: Mi fibra no funciona',
    '',
    '--r1--',
    '',
  ].join('\r\n');
}
