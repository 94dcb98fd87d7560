import { type MessageTemplate, placeholderKeys, type TemplateParameter } from '@centralita/channel-kit';

/** A named example as Meta keeps it: `{ param_name: 'first_name', example: 'Pablo' }`. */
export interface GraphNamedExample {
  param_name: string;
  example: string;
}

/** One component of a template as `GET /{waba-id}/message_templates` lists it. */
export interface GraphTemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' | string;
  /** Headers only: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION. */
  format?: string;
  text?: string;
  example?: {
    header_text?: string[];
    header_text_named_params?: GraphNamedExample[];
    header_handle?: string[];
    body_text?: string[][];
    body_text_named_params?: GraphNamedExample[];
  };
  buttons?: { type: string; text: string; url?: string; phone_number?: string }[];
}

/** A template as the Graph API lists it (upper-case enums, components). */
export interface GraphTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: 'POSITIONAL' | 'NAMED' | string;
  components: GraphTemplateComponent[];
  rejected_reason?: string;
}

/** One page of `GET /{waba-id}/message_templates`. */
export interface GraphTemplatePage {
  data: GraphTemplate[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string };
}

function component(t: GraphTemplate, type: string): GraphTemplateComponent | undefined {
  return t.components.find((c) => c.type.toUpperCase() === type);
}

function label(part: 'header' | 'body', name: string): string {
  return `${part === 'header' ? 'Header' : 'Body'} {{${name}}}`;
}

/**
 * The example Meta approved a parameter with. Positional `{{n}}` is the n-th value of
 * `header_text` / `body_text[0]` (Meta keeps them in number order, not order of appearance).
 */
function exampleFor(c: GraphTemplateComponent | undefined, part: 'header' | 'body', name: string): string | undefined {
  const ex = c?.example;
  if (!ex) return undefined;
  if (/^\d+$/.test(name)) {
    const values = part === 'header' ? ex.header_text : ex.body_text?.[0];
    return values?.[Number(name) - 1];
  }
  const named = part === 'header' ? ex.header_text_named_params : ex.body_text_named_params;
  return named?.find((p) => p.param_name === name)?.example;
}

/**
 * The channel-kit view of a Graph template: lower-case category and status, the header only when
 * it is text, and a parameter per placeholder of the header and the body. A template that needs
 * what Centralita cannot give yet (a media header's file, a button's URL parameter, a carousel)
 * is listed with status `unsupported`, not `approved`: Meta would refuse it at send time.
 */
export function toMessageTemplate(t: GraphTemplate): MessageTemplate {
  const headerComponent = component(t, 'HEADER');
  const bodyComponent = component(t, 'BODY');
  const header = headerComponent && (headerComponent.format ?? 'TEXT').toUpperCase() === 'TEXT' ? (headerComponent.text ?? null) : null;
  const body = bodyComponent?.text ?? '';
  const parameters: TemplateParameter[] = [];
  for (const [part, text, c] of [
    ['header', header, headerComponent],
    ['body', body, bodyComponent],
  ] as const) {
    for (const key of placeholderKeys(part, text)) {
      const name = key.slice(part.length + 1);
      const example = exampleFor(c, part, name);
      parameters.push(example === undefined ? { key, label: label(part, name) } : { key, label: label(part, name), example });
    }
  }
  const status = t.status.toLowerCase();
  return {
    name: t.name,
    language: t.language,
    category: t.category.toLowerCase(),
    status: status === 'approved' && needsMoreThanText(t) ? 'unsupported' : status,
    header,
    body,
    footer: component(t, 'FOOTER')?.text ?? null,
    parameters,
  };
}

/** Whether sending it needs a parameter other than text in the header or body. */
function needsMoreThanText(t: GraphTemplate): boolean {
  return (t.components ?? []).some((c) => {
    const type = c.type.toUpperCase();
    if (type === 'HEADER') return (c.format ?? 'TEXT').toUpperCase() !== 'TEXT';
    if (type === 'BUTTONS') return JSON.stringify(c).includes('{{');
    return type === 'CAROUSEL' || type === 'LIMITED_TIME_OFFER';
  });
}
