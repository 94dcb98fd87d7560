import { lookup } from 'node:dns/promises';
import type { ConnectionCheck, ConnectionReport } from '@centralita/channel-kit';
import type { EmailConfig } from './config.ts';
import { imapClient } from './imap.ts';
import { smtpTransport } from './smtp.ts';

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|ALTNAME|EPROTO|HANDSHAKE/i;

function describe(err: unknown): { code: string; text: string } {
  const e = err as { code?: string; message?: string; response?: string; responseText?: string };
  return { code: e.code ?? '', text: e.responseText ?? e.response ?? e.message ?? String(err) };
}

async function dns(host: string, target: string): Promise<ConnectionCheck> {
  try {
    const { address } = await lookup(host);
    return { name: `${target} DNS`, ok: true, detail: `${host} is ${address}` };
  } catch (err) {
    return { name: `${target} DNS`, ok: false, detail: `${host} does not resolve (${describe(err).code || describe(err).text})` };
  }
}

/**
 * Tries the IMAP and SMTP settings without saving anything: name resolution, connection and TLS,
 * login, and that the mailbox exists. Stops each side at its first failure, and says which it was.
 */
export async function testEmailConnection(config: EmailConfig): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  const imapDns = await dns(config.imapHost, 'IMAP');
  checks.push(imapDns);
  if (imapDns.ok) checks.push(...(await testImap(config)));
  const smtpDns = await dns(config.smtpHost, 'SMTP');
  checks.push(smtpDns);
  if (smtpDns.ok) checks.push(...(await testSmtp(config)));
  return { ok: checks.every((c) => c.ok), checks };
}

async function testImap(config: EmailConfig): Promise<ConnectionCheck[]> {
  const client = imapClient(config);
  client.on('error', () => undefined);
  const where = `${config.imapHost}:${config.imapPort}`;
  const tlsName = config.imapTls === 'none' ? 'IMAP connection' : 'IMAP connection and TLS';
  try {
    await client.connect();
  } catch (err) {
    const { code, text } = describe(err);
    const e = err as { authenticationFailed?: boolean };
    if (e.authenticationFailed) {
      return [
        { name: tlsName, ok: true, detail: `connected to ${where}` },
        { name: 'IMAP login', ok: false, detail: `the server refused the login for ${config.imapUser}: ${text}` },
      ];
    }
    if (TLS_CODES.test(code) || TLS_CODES.test(text)) {
      return [{ name: tlsName, ok: false, detail: `TLS failed with ${where}: ${text}` }];
    }
    return [{ name: tlsName, ok: false, detail: `could not connect to ${where}: ${code || text}` }];
  }
  const checks: ConnectionCheck[] = [
    { name: tlsName, ok: true, detail: `connected to ${where}${client.secureConnection ? ' over TLS' : ''}` },
    { name: 'IMAP login', ok: true, detail: `logged in as ${config.imapUser}` },
  ];
  try {
    const status = await client.status(config.mailbox, { messages: true });
    checks.push({ name: 'IMAP mailbox', ok: true, detail: `${config.mailbox} holds ${status ? (status.messages ?? 0) : 0} messages` });
  } catch (err) {
    checks.push({ name: 'IMAP mailbox', ok: false, detail: `${config.mailbox} cannot be opened: ${describe(err).text}` });
  } finally {
    await client.logout().catch(() => client.close());
  }
  return checks;
}

async function testSmtp(config: EmailConfig): Promise<ConnectionCheck[]> {
  const transport = smtpTransport(config);
  const where = `${config.smtpHost}:${config.smtpPort}`;
  try {
    await transport.verify();
    return [
      {
        name: 'SMTP connection, TLS and login',
        ok: true,
        detail: `${where} accepts mail${config.smtpUser ? ` from ${config.smtpUser}` : ''}`,
      },
    ];
  } catch (err) {
    const { code, text } = describe(err);
    if (code === 'EAUTH')
      return [{ name: 'SMTP login', ok: false, detail: `the server refused the login for ${config.smtpUser}: ${text}` }];
    if (TLS_CODES.test(code) || TLS_CODES.test(text)) return [{ name: 'SMTP TLS', ok: false, detail: `TLS failed with ${where}: ${text}` }];
    return [{ name: 'SMTP connection', ok: false, detail: `could not connect to ${where}: ${code || text}` }];
  } finally {
    transport.close();
  }
}
