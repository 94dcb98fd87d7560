import { MAX_TEMPLATE_PARAMETER, templateChoiceProblems } from '@centralita/channel-kit/templates';
import { queryOptions } from '@tanstack/react-query';
import { client, data } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { MessageTemplate, TemplateList } from '../../api/types.ts';

/** The account's templates as the server last listed them (it caches the provider's list for minutes). */
export const templatesQuery = (accountId: string) =>
  queryOptions({ queryKey: keys.templates(accountId), queryFn: () => fetchTemplates(accountId, false), staleTime: 60_000 });

/** Lists the templates; `refresh` asks the provider again now (one approved a minute ago shows). */
export function fetchTemplates(accountId: string, refresh: boolean): Promise<TemplateList> {
  return data<TemplateList>(
    client.GET('/api/v1/channel-accounts/{id}/templates', {
      params: { path: { id: accountId }, query: { refresh: refresh ? 'true' : 'false' } },
    }),
  );
}

/** A template is its name in one language: the same name in Spanish and English are two. */
export const templateId = (t: Pick<MessageTemplate, 'name' | 'language'>) => `${t.name}\u0000${t.language}`;

export interface LanguageGroup {
  /** The provider's code: `es`, `en_US`. */
  language: string;
  /** The customer's language: listed first. */
  preferred: boolean;
  templates: MessageTemplate[];
}

/** `en_US` and `en-us` are one tag; its first part is the language. */
const tag = (code: string) => code.replace(/_/g, '-').toLowerCase();

/** How close a template's language is to the customer's: 2 the same tag, 1 the same language, 0 another. */
export function closeness(language: string, customer: string | null): number {
  if (!customer) return 0;
  const [a, b] = [tag(language), tag(customer)];
  if (a === b) return 2;
  return a.split('-')[0] === b.split('-')[0] ? 1 : 0;
}

/** Names match whether typed with spaces or underscores, in any case ("order up" finds order_update). */
const searchable = (s: string) =>
  s
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();

/**
 * The templates whose name matches `query`, by language: the customer's language first, then the
 * rest by code; in each, the approved ones first, then by name.
 */
export function groupTemplates(templates: MessageTemplate[], query: string, customer: string | null): LanguageGroup[] {
  const q = searchable(query);
  const groups = new Map<string, MessageTemplate[]>();
  for (const t of templates) {
    if (q && !searchable(t.name).includes(q)) continue;
    groups.set(t.language, [...(groups.get(t.language) ?? []), t]);
  }
  return [...groups]
    .map(([language, list]) => ({
      language,
      preferred: closeness(language, customer) > 0,
      templates: list.sort((a, b) => Number(b.status === 'approved') - Number(a.status === 'approved') || a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => closeness(b.language, customer) - closeness(a.language, customer) || a.language.localeCompare(b.language));
}

/** The values of the template's own parameters only (the server refuses keys it does not have). */
export function choiceOf(template: MessageTemplate, values: Record<string, string>) {
  const parameters: Record<string, string> = {};
  for (const p of template.parameters) parameters[p.key] = values[p.key] ?? '';
  return { name: template.name, language: template.language, parameters };
}

export type ParameterProblem = 'empty' | 'tooLong' | 'spacing' | 'invalid';

/**
 * What is wrong with each parameter's value, by key, as the channel-kit checks it on the server
 * (`templateChoiceProblems`), named so the console can say it in its own language.
 */
export function parameterProblems(template: MessageTemplate, values: Record<string, string>): Record<string, ParameterProblem> {
  const out: Record<string, ParameterProblem> = {};
  for (const p of template.parameters) {
    const value = values[p.key] ?? '';
    const alone = { ...template, status: 'approved', parameters: [p] };
    if (templateChoiceProblems(alone, { name: template.name, language: template.language, parameters: { [p.key]: value } }).length === 0)
      continue;
    out[p.key] =
      value.trim().length === 0
        ? 'empty'
        : value.length > MAX_TEMPLATE_PARAMETER
          ? 'tooLong'
          : /[\n\t]|\s{5,}/.test(value)
            ? 'spacing'
            : 'invalid';
  }
  return out;
}

/** Whether the server would take this choice: the template approved and every value within the rules. */
export function sendable(template: MessageTemplate, values: Record<string, string>): boolean {
  return templateChoiceProblems(template, choiceOf(template, values)).length === 0;
}
