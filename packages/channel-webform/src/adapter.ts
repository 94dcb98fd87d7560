import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  type ChannelAdapter,
  type ChannelContext,
  countCodePoints,
  defineCapabilities,
  errorBody,
  type WebhookRequest,
  type WebhookResponse,
} from '@centralita/channel-kit';
import { normaliseWhitespace } from '@centralita/core';
import { parseWebformConfig, type WebformConfig, webformConfigJsonSchema } from './config.ts';
import { renderFormPage } from './form-page.ts';
import { parseBody, submissionSchema } from './submission.ts';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A short, stable fingerprint of some values (no secrets: it only has to tell them apart). */
function digest(values: string[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
}

function error(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}): WebhookResponse {
  return { status, headers, body: errorBody(code, message, details) };
}

function corsHeaders(config: WebformConfig, req: WebhookRequest): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !config.allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'content-type, idempotency-key',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

/** Handles GET (the form page), OPTIONS (CORS preflight) and POST (a submission). */
async function handle(config: WebformConfig, ctx: ChannelContext, req: WebhookRequest): Promise<WebhookResponse> {
  const cors = corsHeaders(config, req);
  if (req.method === 'OPTIONS') return { status: 204, headers: cors };
  if (req.method === 'GET') {
    const nonce = randomBytes(16).toString('base64');
    return {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors ${config.frameAncestors.join(' ')}`,
      },
      body: renderFormPage(config, nonce),
    };
  }
  if (req.method !== 'POST')
    return error(405, 'method_not_allowed', `${req.method} is not accepted; POST the form.`, undefined, { allow: 'GET, POST, OPTIONS' });

  const hits = await ctx.store.hit(`client:${req.clientIp}`, 60_000);
  if (hits > config.submissionsPerMinute) {
    return error(
      429,
      'rate_limited',
      `Too many submissions from this client; the limit is ${config.submissionsPerMinute} a minute.`,
      undefined,
      {
        ...cors,
        'retry-after': '60',
      },
    );
  }
  const body = parseBody(req.headers['content-type'], req.rawBody);
  if (!body.ok) return error(body.status, body.error, body.message, body.details, cors);
  const parsed = submissionSchema(config.maxMessageLength).safeParse(body.fields);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return error(
      422,
      'validation_failed',
      `The form has problems: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      fields,
      cors,
    );
  }
  const s = parsed.data;
  // A filled trap field means a bot: answer as if accepted so it learns nothing, store nothing.
  if (s.website) return { status: 202, headers: cors, body: { accepted: true } };

  const key = req.headers['idempotency-key'];
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    return error(400, 'bad_request', 'Idempotency-Key must be 1 to 200 characters.', undefined, cors);
  }
  // One submission id per Idempotency-Key, or per identical content from one client within the
  // window; the id is the message's external id, so the host stores a repeat only once. A key is
  // bound to its content and client: reused for other content it is refused, and a repeat from
  // another client is stored once but never handed the customer's private link.
  const content = digest([s.name, s.email.toLowerCase(), s.subject ?? '', normaliseWhitespace(s.message)]);
  const client = digest([req.clientIp]);
  let submissionId: string;
  let sameClient = true;
  if (key) {
    const claim = `${randomUUID()}.${content}.${client}`;
    const [id = '', firstContent, firstClient] = (await ctx.store.putIfAbsent(`idem:${key}`, claim, IDEMPOTENCY_TTL_MS)).split('.');
    if (firstContent !== content) {
      return error(
        409,
        'conflict',
        'This Idempotency-Key was already used for a different submission; send a new key with a new message.',
        undefined,
        cors,
      );
    }
    submissionId = id;
    sameClient = firstClient === client;
  } else {
    submissionId = await ctx.store.putIfAbsent(
      `content:${digest([client, content])}`,
      randomUUID(),
      Math.max(1, config.duplicateWindowSeconds * 1000),
    );
  }

  let result: Awaited<ReturnType<ChannelContext['emit']>>;
  try {
    result = await ctx.emit(
      {
        type: 'message.received',
        externalMessageId: `form:${submissionId}`,
        occurredAt: ctx.now(),
        sender: {
          kind: 'email',
          externalId: s.email,
          // A typed-in address proves nothing about who typed it.
          verified: false,
          displayName: s.name,
          ...(s.country ? { country: s.country } : {}),
          ...(s.region ? { region: s.region } : {}),
          ...(s.language ? { locale: s.language } : {}),
          ...(s.timezone ? { timezone: s.timezone } : {}),
        },
        text: s.message,
        ...(s.subject ? { subject: s.subject } : {}),
        visibility: 'private',
        thread: { externalThreadId: submissionId },
        metadata: { source: 'webform', ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'].slice(0, 300) } : {}) },
      },
      { wantCustomerLink: sameClient },
    );
  } catch (err) {
    // Not stored: the same submission sent again gets the same id and is stored then.
    ctx.logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'form submission could not be stored');
    return error(503, 'unavailable', 'Your message could not be saved just now; please send it again.', undefined, {
      ...cors,
      'retry-after': '5',
    });
  }
  const link = result.customerLink ?? '';
  if (body.html && link) return { status: 303, headers: { ...cors, location: link }, body: '' };
  return {
    status: result.duplicate ? 200 : 201,
    headers: cors,
    body: {
      submissionId,
      // The conversation this submission went to, for the site's own records; like the link, it
      // is withheld from a repeat sent by another client (a guessed or leaked key).
      conversationId: sameClient ? result.conversationId : null,
      duplicate: result.duplicate,
      conversationLink: link || null,
    },
  };
}

/** The web-form channel: a public form in, the customer's private conversation page out. */
export function createWebformAdapter(): ChannelAdapter<WebformConfig> {
  return {
    kind: 'webform',
    displayName: 'Web form',
    capabilities: defineCapabilities({
      inbound: { push: true, pull: false },
      visibilities: ['private'],
      threading: 'host',
      customerPortal: true,
    }),
    presentation: {
      icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="3" width="18" height="18" rx="2"/><path d="M7 8h10M7 12h10M7 16h6"/></svg>',
      fields: {
        title: { label: 'Form title' },
        intro: { label: 'Introduction', help: 'Shown above the form.' },
        allowedOrigins: { label: 'Sites that may post to the form', help: 'Origins such as https://www.example.com (CORS).' },
        frameAncestors: { label: 'Sites that may embed the form', help: "CSP frame-ancestors; 'self' by default." },
        maxMessageLength: { label: 'Longest message (characters)' },
        submissionsPerMinute: { label: 'Submissions per minute from one visitor' },
        duplicateWindowSeconds: { label: 'Seconds in which an identical post counts once' },
      },
      visibilities: { private: 'Customer page' },
      locales: {
        es: {
          displayName: 'Formulario web',
          fields: {
            title: { label: 'Título del formulario' },
            intro: { label: 'Introducción', help: 'Se muestra encima del formulario.' },
            allowedOrigins: { label: 'Sitios que pueden enviar al formulario', help: 'Orígenes como https://www.example.com (CORS).' },
            frameAncestors: { label: 'Sitios que pueden incrustar el formulario', help: "frame-ancestors de CSP; 'self' por defecto." },
            maxMessageLength: { label: 'Mensaje más largo (caracteres)' },
            submissionsPerMinute: { label: 'Envíos por minuto de un mismo visitante' },
            duplicateWindowSeconds: { label: 'Segundos en los que un envío idéntico cuenta una vez' },
          },
          visibilities: { private: 'Página del cliente' },
        },
      },
    },
    config: { parse: parseWebformConfig, secretKeys: [], jsonSchema: webformConfigJsonSchema },
    measureText: countCodePoints,
    connect(account, ctx) {
      const config = account.config;
      return {
        async start() {
          await ctx.reportState({ state: 'ready', detail: `The form takes submissions at ${ctx.webhookUrl}.` });
        },
        async stop() {},
        async send(message) {
          await ctx.deliverToPortal(message);
          return { externalIds: [`portal:${message.messageId}`], state: 'delivered' };
        },
        handleWebhook: (req) => handle(config, ctx, req),
      };
    },
  };
}
