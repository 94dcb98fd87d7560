/**
 * Pre-approved message templates: what a channel that restricts free-form messages (WhatsApp
 * outside its 24-hour window) still lets a business send. The adapter lists them
 * (`ChannelAdapter.listTemplates`), an agent picks one and fills its parameters, and the reply
 * carries the choice (`OutboundMessage.template`) beside the rendered text the timeline shows.
 */

/** One field of a template an agent fills: `body.1` for `{{1}}` in the body, `header.name` for `{{name}}`. */
export interface TemplateParameter {
  key: string;
  /** What the console labels the field with: "Body {{1}}". */
  label: string;
  /** The example the provider approved the template with, when it has one. */
  example?: string;
}

export interface MessageTemplate {
  name: string;
  /** The provider's language code: `es`, `en_US`. */
  language: string;
  /** The provider's category, lower case (`marketing`, `utility`, `authentication`), which prices it. */
  category: string;
  /** The provider's review status, lower case: only `approved` ones can be sent. */
  status: string;
  header: string | null;
  body: string;
  footer: string | null;
  parameters: TemplateParameter[];
}

/** What a reply sends instead of free text: a template, its language and a value per parameter. */
export interface TemplateChoice {
  name: string;
  language: string;
  parameters: Record<string, string>;
  /** The template's category as listed when the reply was queued (the host fills it in): what it is priced as. */
  category?: string;
}

/** The longest a parameter value may be (WhatsApp refuses longer body parameters). */
export const MAX_TEMPLATE_PARAMETER = 1024;

/** `{{1}}` or `{{name}}`: the placeholders of positional and named templates. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The keys of a text's placeholders in order of first appearance, prefixed by its part (`body.1`). */
export function placeholderKeys(part: 'header' | 'body', text: string | null): string[] {
  if (!text) return [];
  const keys: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const key = `${part}.${m[1]}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** What is wrong with a choice for this template, in words, or an empty list. */
export function templateChoiceProblems(template: MessageTemplate, choice: TemplateChoice): string[] {
  const problems: string[] = [];
  if (template.status !== 'approved')
    problems.push(`the template ${template.name} (${template.language}) is ${template.status}, not approved`);
  for (const p of template.parameters) {
    const value = choice.parameters[p.key];
    if (value === undefined || value.trim().length === 0) problems.push(`${p.label} is empty`);
    else if (value.length > MAX_TEMPLATE_PARAMETER) problems.push(`${p.label} is longer than ${MAX_TEMPLATE_PARAMETER} characters`);
    else if (/[\n\t]|\s{5,}/.test(value))
      problems.push(`${p.label} has a new line, a tab or more than four spaces in a row, which WhatsApp refuses`);
  }
  for (const key of Object.keys(choice.parameters))
    if (!template.parameters.some((p) => p.key === key)) problems.push(`the template has no parameter ${key}`);
  return problems;
}

/** The text the customer receives: header, body and footer with the values in place, one per paragraph. */
export function renderTemplate(template: MessageTemplate, values: Record<string, string>): string {
  const fill = (part: 'header' | 'body', text: string) =>
    text.replace(PLACEHOLDER, (whole, name: string) => values[`${part}.${name}`] ?? whole);
  return [template.header ? fill('header', template.header) : null, fill('body', template.body), template.footer]
    .filter((p): p is string => p !== null && p.length > 0)
    .join('\n\n');
}
