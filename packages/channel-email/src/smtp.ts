import { type OutboundMessage, SendError, type SendResult } from '@centralita/channel-kit';
import { escapeHtml } from '@centralita/core';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailConfig } from './config.ts';
import { plusAddress, replySubject, replyToken } from './thread-keys.ts';

/** The nodemailer transport for an account's SMTP settings. */
export function smtpTransport(config: EmailConfig): Transporter {
  return nodemailer.createTransport({
    host: config.smtpHost,
    port: config.smtpPort,
    secure: config.smtpTls === 'implicit',
    requireTLS: config.smtpTls === 'starttls',
    ignoreTLS: config.smtpTls === 'none',
    ...(config.smtpUser ? { auth: { user: config.smtpUser, pass: config.smtpPassword } } : {}),
    tls: { rejectUnauthorized: config.verifyCertificates },
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
}

/**
 * The Message-ID of one outbound message: derived from Centralita's message id, so a retry after
 * a crash sends the same id and the customer's mail server can recognise the repeat.
 */
export function outboundMessageId(config: EmailConfig, messageId: string): string {
  return `<${messageId}@${config.address.split('@')[1]}>`;
}

/** Plain text as simple HTML: escaped, paragraphs kept, links clickable. */
export function textToHtml(text: string): string {
  const paragraphs = text.replace(/\r\n/g, '\n').split(/\n{2,}/);
  const body = paragraphs
    .map((p) => {
      const escaped = escapeHtml(p).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
      return `<p>${escaped.replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
  return `<!doctype html><html><body style="font-family: sans-serif; font-size: 14px; line-height: 1.5">\n${body}\n</body></html>`;
}

/**
 * Sends one reply. Threading headers come from the conversation's earlier mail (In-Reply-To the
 * newest, References all of them), the subject and Reply-To carry the conversation's reply
 * token, and SMTP answers map to retryable (4xx, network) or permanent (5xx) failures.
 */
export async function sendEmail(
  transport: Transporter,
  config: EmailConfig,
  accountName: string,
  message: OutboundMessage,
): Promise<SendResult> {
  const to = message.recipient?.externalId;
  if (!to) {
    throw new SendError('no_recipient', 'This conversation has no email address to reply to.', { retryable: false });
  }
  const token = replyToken(config.tokenSecret, message.conversationId);
  const references = message.inReplyTo.filter((id) => /^<[^<>\s]+>$/.test(id)).slice(-20);
  const messageId = outboundMessageId(config, message.messageId);
  const subject =
    references.length > 0 || /^re:/i.test(message.subject ?? '')
      ? replySubject(message.subject, token)
      : `${(message.subject ?? '').trim() || 'Your conversation with us'} [#${token}]`;
  // Mail Centralita sends on its own (a link, an integration's message) comes from the account.
  const name = message.author
    ? config.fromName.replaceAll('{agent}', message.author.name).replaceAll('{account}', accountName)
    : accountName;
  const cc = (message.cc ?? []).filter((a) => a.toLowerCase() !== to.toLowerCase());
  try {
    const info = await transport.sendMail({
      messageId,
      from: { name, address: config.address },
      to,
      ...(cc.length > 0 ? { cc } : {}),
      ...(config.plusAddressing ? { replyTo: plusAddress(config.address, token) } : {}),
      subject,
      text: message.text,
      html: textToHtml(message.text),
      ...(references.length > 0 ? { inReplyTo: references[references.length - 1], references } : {}),
      ...(message.automatic ? { headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } } : {}),
      attachments: (message.attachments ?? []).map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content),
      })),
    });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0 && (info.accepted ?? []).length === 0) {
      throw new SendError('rejected', `The mail server refused every recipient: ${rejected.join(', ')}.`, { retryable: false });
    }
    return { externalIds: [messageId], state: 'sent', replyTokens: [token] };
  } catch (err) {
    throw toSendError(err);
  }
}

/** SMTP's own verdict decides: a 5xx will fail again, a 4xx or a network fault may not. */
function toSendError(err: unknown): SendError {
  if (err instanceof SendError) return err;
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const said = e.response ?? e.message ?? String(err);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
    return new SendError('smtp_rejected', `The mail server refused the message (${said}).`, { retryable: false, cause: err });
  }
  if (e.code === 'EAUTH') {
    return new SendError('smtp_auth', `The mail server refused the login (${said}); check the SMTP user and password.`, {
      retryable: false,
      cause: err,
    });
  }
  return new SendError('smtp_unavailable', `The mail server could not take the message now (${said}).`, { retryable: true, cause: err });
}
