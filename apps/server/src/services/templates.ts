import type { ChannelAdapter, MessageTemplate, TemplateChoice } from '@centralita/channel-kit';
import { templateChoiceProblems } from '@centralita/channel-kit';
import { CentralitaError } from '@centralita/core';
import type { ChannelAccountRecord } from '@centralita/db';

/** How long a listed set of templates is used before the provider is asked again. */
export const TEMPLATE_CACHE_MS = 5 * 60_000;

interface Cached {
  fingerprint: string;
  fetchedAt: Date;
  templates: MessageTemplate[];
}

/**
 * The approved templates of each account (WhatsApp's, listed from the Graph API), kept a few
 * minutes per node so an agent opening the composer does not cost a provider call each time; a
 * template chosen but missing from the cache is looked up once afresh before it is refused (it was
 * approved a minute ago). A change of the account's settings is a new cache entry.
 */
export class TemplateCatalog {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly deps: {
      adapter(kind: string): ChannelAdapter | undefined;
      parseConfig(account: ChannelAccountRecord, adapter: ChannelAdapter): unknown;
      clock(): Date;
    },
  ) {}

  /** The account's templates (from the cache unless `refresh`), newest listing first; 404 for a channel without templates. */
  async list(
    account: ChannelAccountRecord,
    options: { refresh?: boolean } = {},
  ): Promise<{ templates: MessageTemplate[]; fetchedAt: Date }> {
    const adapter = this.deps.adapter(account.kind);
    if (!adapter?.listTemplates) {
      throw new CentralitaError('not_found', `${adapter?.displayName ?? account.kind} accounts have no message templates.`);
    }
    const fingerprint = JSON.stringify([account.settings, account.secretsEncrypted]);
    const cached = this.#cache.get(account.id);
    const now = this.deps.clock();
    if (
      !options.refresh &&
      cached &&
      cached.fingerprint === fingerprint &&
      now.getTime() - cached.fetchedAt.getTime() < TEMPLATE_CACHE_MS
    ) {
      return cached;
    }
    let templates: MessageTemplate[];
    try {
      templates = await adapter.listTemplates(this.deps.parseConfig(account, adapter));
    } catch (err) {
      // A stale list beats none when the provider is briefly down.
      if (cached && cached.fingerprint === fingerprint) return cached;
      const reason = err instanceof Error ? err.message.slice(0, 300) : String(err);
      throw new CentralitaError('internal', `${adapter.displayName} did not list the account's templates: ${reason}`);
    }
    const entry = { fingerprint, fetchedAt: now, templates };
    this.#cache.set(account.id, entry);
    return entry;
  }

  /**
   * The template a reply chose, checked: approved, every parameter filled within the provider's
   * rules. Throws a validation error naming what is wrong.
   */
  async resolve(account: ChannelAccountRecord, choice: TemplateChoice): Promise<MessageTemplate> {
    const find = (list: MessageTemplate[]) => list.find((t) => t.name === choice.name && t.language === choice.language);
    let template = find((await this.list(account)).templates);
    template ??= find((await this.list(account, { refresh: true })).templates);
    if (!template) {
      throw new CentralitaError(
        'validation_failed',
        `template: the account has no template ${choice.name} in ${choice.language}; list them with GET /channel-accounts/${account.id}/templates.`,
        [{ field: 'template', message: `no template ${choice.name} (${choice.language})` }],
      );
    }
    const problems = templateChoiceProblems(template, choice);
    if (problems.length > 0) {
      throw new CentralitaError(
        'validation_failed',
        `template: ${problems.join('; ')}.`,
        problems.map((message) => ({ field: 'template.parameters', message })),
      );
    }
    return template;
  }
}
