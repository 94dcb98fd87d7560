import { toE164 } from '@centralita/channel-kit';
import type { GraphTemplate } from '../cloud/graph-templates.ts';
import type { GraphErrorSpec } from './errors.ts';
import { isBsuid, type PeerState, type PeerUser, type SentMessage } from './state.ts';

/** A send the peer accepts, before it gets its wamid. */
export interface AcceptedSend {
  kind: 'message';
  user: PeerUser;
  addressedBy: SentMessage['addressedBy'];
  field: SentMessage['field'];
  type: string;
  category: SentMessage['category'];
}

export type SendCheck = AcceptedSend | { kind: 'read'; messageId: string } | { kind: 'error'; error: GraphErrorSpec };

type Json = Record<string, unknown>;

const MEDIA = new Set(['image', 'document', 'audio', 'video', 'sticker']);
const CAPTIONED = new Set(['image', 'document', 'video']);
const TYPES = new Set([...MEDIA, 'text', 'location', 'contacts', 'interactive', 'template', 'reaction']);
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

const invalid = (details: string, title?: string): SendCheck => ({
  kind: 'error',
  error: title ? { code: 100, title, details } : { code: 100, details },
});
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const length = (s: string) => [...s].length;

function address(state: PeerState, body: Json): { user: PeerUser; addressedBy: 'phone' | 'bsuid'; field: 'to' | 'recipient' } | SendCheck {
  // `to` wins when both are present, as Meta documents.
  if (body.to !== undefined) {
    if (typeof body.to !== 'string' || body.to.trim() === '') return invalid('Param to must be a non-empty string');
    if (isBsuid(body.to)) return { user: state.userByBsuid(body.to), addressedBy: 'bsuid', field: 'to' };
    const digits = body.to.replace(/[\s()+-]/g, '');
    const e164 = /^[0-9]{7,15}$/.test(digits) ? toE164(digits) : null;
    if (!e164) return invalid(`Param to (${body.to}) is neither a phone number nor a business-scoped user ID`);
    return { user: state.userByPhone(e164), addressedBy: 'phone', field: 'to' };
  }
  if (body.recipient !== undefined) {
    if (typeof body.recipient !== 'string' || !isBsuid(body.recipient))
      return invalid(`Param recipient (${String(body.recipient)}) is not a business-scoped user ID`);
    return { user: state.userByBsuid(body.recipient), addressedBy: 'bsuid', field: 'recipient' };
  }
  return invalid("Provide the user's phone number in to or their business-scoped user ID in recipient.", 'The parameter to is required.');
}

function checkMedia(state: PeerState, type: string, media: unknown): SendCheck | null {
  if (!isObject(media)) return invalid(`Param ${type} is required for type ${type}`);
  const hasId = typeof media.id === 'string';
  const hasLink = typeof media.link === 'string';
  if (hasId === hasLink) return invalid(`Param ${type} must have exactly one of id or link`);
  if (hasId && !state.media.has(media.id as string)) return invalid(`Param ${type}['id'] (${String(media.id)}) is not a valid media ID`);
  if (hasLink && !/^https?:\/\//.test(media.link as string)) return invalid(`Param ${type}['link'] must be an http or https URL`);
  if (media.caption !== undefined) {
    if (!CAPTIONED.has(type)) return invalid(`Param ${type}['caption'] is not allowed: ${type} messages have no caption`);
    if (typeof media.caption !== 'string' || length(media.caption) > MAX_CAPTION)
      return invalid(`Param ${type}['caption'] must be at most ${MAX_CAPTION} characters long`);
  }
  return null;
}

function placeholders(text: string | undefined): string[] {
  const names: string[] = [];
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (m[1] && !names.includes(m[1])) names.push(m[1]);
  return names;
}

function checkTemplate(templates: GraphTemplate[], template: unknown): SendCheck | GraphTemplate {
  if (!isObject(template) || typeof template.name !== 'string') return invalid("Param template['name'] is required");
  const language = isObject(template.language) ? template.language.code : undefined;
  if (typeof language !== 'string') return invalid("Param template['language']['code'] is required");
  const found = templates.find((t) => t.name === template.name && t.language === language);
  // Meta answers a template under review or refused as if it did not exist in that language.
  if (found?.status !== 'APPROVED')
    return { kind: 'error', error: { code: 132001, details: `template name (${template.name}) does not exist in ${language}` } };
  const given = Array.isArray(template.components) ? template.components.filter(isObject) : [];
  for (const part of ['header', 'body'] as const) {
    const component = found.components.find((c) => c.type.toLowerCase() === part);
    const sent = given.find((c) => typeof c.type === 'string' && c.type.toLowerCase() === part);
    const params = Array.isArray(sent?.parameters) ? sent.parameters.filter(isObject) : [];
    if (part === 'header' && component?.format && component.format !== 'TEXT') {
      const kind = component.format.toLowerCase();
      if (params.length !== 1 || params[0]?.type !== kind)
        return {
          kind: 'error',
          error: {
            code: 132012,
            details: `header: Format mismatch, expected ${component.format}, received ${String(params[0]?.type ?? 'UNKNOWN').toUpperCase()}`,
          },
        };
      continue;
    }
    const expected = placeholders(component?.text);
    if (params.length !== expected.length)
      return {
        kind: 'error',
        error: {
          code: 132000,
          details: `${part}: number of localizable_params (${params.length}) does not match the expected number of params (${expected.length})`,
        },
      };
    for (const p of params) {
      if (p.type !== 'text' || typeof p.text !== 'string' || p.text.trim() === '')
        return { kind: 'error', error: { code: 131009, details: `${part}: every parameter needs a non-empty text` } };
      if (found.parameter_format === 'NAMED' && (typeof p.parameter_name !== 'string' || !expected.includes(p.parameter_name)))
        return {
          kind: 'error',
          error: { code: 132000, details: `${part}: parameter_name ${String(p.parameter_name)} is not one of ${expected.join(', ')}` },
        };
    }
  }
  return found;
}

/** Checks a `POST /{phone-number-id}/messages` body the way Meta's answers show it checks them. */
export function checkSend(state: PeerState, body: unknown): SendCheck {
  if (!isObject(body)) return invalid('The request body must be a JSON object');
  if (body.messaging_product !== 'whatsapp')
    return invalid('Param messaging_product must be whatsapp', 'The parameter messaging_product is required.');
  if (body.status !== undefined) {
    if (body.status !== 'read' || typeof body.message_id !== 'string') return invalid("Param status must be 'read' with a message_id");
    if (!state.inboundIds.has(body.message_id))
      return invalid(`Param message_id (${body.message_id}) is not a message this number received`);
    return { kind: 'read', messageId: body.message_id };
  }
  const to = address(state, body);
  if ('kind' in to) return to;
  const type = body.type === undefined ? 'text' : body.type;
  if (typeof type !== 'string' || !TYPES.has(type)) return invalid(`Param type must be one of {${[...TYPES].join(', ')}}`);
  if (body.context !== undefined && (!isObject(body.context) || typeof body.context.message_id !== 'string'))
    return invalid("Param context['message_id'] must be a string");
  let category: SentMessage['category'] = 'service';
  if (type === 'text') {
    const text = isObject(body.text) ? body.text.body : undefined;
    if (typeof text !== 'string' || text.length === 0) return invalid("Param text['body'] is required");
    if (length(text) > MAX_TEXT) return invalid(`Param text['body'] must be at most ${MAX_TEXT} characters long`);
  } else if (MEDIA.has(type)) {
    const problem = checkMedia(state, type, body[type]);
    if (problem) return problem;
  } else if (type === 'template') {
    const checked = checkTemplate(state.templates, body.template);
    if ('kind' in checked) return checked;
    category = checked.category.toLowerCase() as SentMessage['category'];
  } else if (!isObject(body[type])) return invalid(`Param ${type} is required for type ${type}`);
  return { kind: 'message', ...to, type, category };
}
