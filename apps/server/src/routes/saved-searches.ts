import { type ChannelAdapter, type ChannelCapabilities, ConfigError, type SavedSearchTerms } from '@centralita/channel-kit';
import { CentralitaError } from '@centralita/core';
import {
  type ChannelAccountRecord,
  countSavedSearches,
  createSavedSearch,
  deleteSavedSearch,
  findChannelAccount,
  getSavedSearch,
  listSavedSearches,
  type Principal,
  type SavedSearchRecord,
  updateSavedSearch,
} from '@centralita/db';
import { mergePatch } from '@centralita/dispatcher';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import {
  describeSearch,
  intervalSecondsSchema,
  MAX_SEARCHES_PER_ACCOUNT,
  presentSearch,
  savedSearchTermsPatchSchema,
  savedSearchTermsSchema,
  storedTerms,
} from '../services/saved-searches.ts';

const name = z.string().trim().min(1, 'name is required').max(200);

/** What a search's checks need of its account: the adapter, this account's capabilities and config. */
interface Listener {
  account: ChannelAccountRecord;
  adapter: ChannelAdapter | null;
  capabilities: ChannelCapabilities | null;
  config: unknown;
  /** Why the account's searches cannot be checked (its kind is not installed, its config does not parse). */
  problem: string | null;
}

/**
 * Saved searches: what supervisors ask a listening channel account to look for (proactive
 * listening). The adapter runs them on its schedule through `ctx.listening`; what they find that
 * does not address the brand becomes a conversation with origin `proactive`.
 */
export function registerSavedSearchRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;

  async function accountOf(principal: Principal, id: string): Promise<Listener> {
    const account = await findChannelAccount(db, id);
    if (!account || account.workspaceId !== principal.workspaceId) {
      throw new CentralitaError('not_found', `No channel account ${id} in this workspace.`);
    }
    const adapter = ctx.channels.adapter(account.kind) ?? null;
    if (!adapter) {
      return {
        account,
        adapter,
        capabilities: null,
        config: null,
        problem: `The ${account.kind} channel is not installed on this server.`,
      };
    }
    try {
      const config = ctx.channels.parseAccountConfig(account, adapter);
      return { account, adapter, capabilities: ctx.channels.capabilitiesOf(account), config, problem: null };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return {
        account,
        adapter,
        capabilities: null,
        config: null,
        problem: `The account's configuration is invalid (${err.message}); fix it first.`,
      };
    }
  }

  /** The channel's query for the terms and what stops them from running on this account. */
  function check(l: Listener, terms: SavedSearchTerms) {
    if (!l.adapter || !l.capabilities) return { query: null, problems: [l.problem ?? 'The account cannot be checked.'] };
    return describeSearch(l.adapter, l.capabilities, l.config, terms);
  }

  /** Refuses with 400 and every problem, in one sentence each, when the search cannot run. */
  function refuseProblems(problems: string[]): void {
    if (problems.length > 0) throw new CentralitaError('bad_request', problems.join(' '), { problems });
  }

  function present(l: Listener, r: SavedSearchRecord) {
    const terms = storedTerms(r.terms);
    const checked = terms ? check(l, terms) : { query: null, problems: ['The stored terms are not valid any more; save them again.'] };
    return presentSearch(r, checked);
  }

  api.add({
    method: 'get',
    path: '/channel-accounts/:id/searches',
    tag: 'listening',
    role: 'agent',
    summary:
      "The account's saved searches, paused ones too, oldest first: each with its terms, the channel's query built from them (null where the channel builds none) and its problems on this account now (empty when it runs).",
    async handler({ principal, params }) {
      const l = await accountOf(principal, params.id as string);
      const rows = await listSavedSearches(db, principal.workspaceId, l.account.id);
      return { items: rows.map((r) => present(l, r)) };
    },
  });

  api.add({
    method: 'post',
    path: '/channel-accounts/:id/searches',
    tag: 'listening',
    role: 'supervisor',
    status: 201,
    summary:
      'Saves a search for a listening account (X). 400 naming the problem when the channel cannot listen, the terms look for nothing, or the channel refuses the query (too long for the tier). Answers the search with the query the channel will run.',
    body: z.object({
      name,
      terms: savedSearchTermsSchema,
      intervalSeconds: intervalSecondsSchema.default(300).describe('Seconds between runs, at least 60; 300 unless given'),
      paused: z.boolean().default(false),
    }),
    async handler({ principal, body, params }) {
      const l = await accountOf(principal, params.id as string);
      refuseProblems(check(l, body.terms).problems);
      if ((await countSavedSearches(db, principal.workspaceId, l.account.id)) >= MAX_SEARCHES_PER_ACCOUNT) {
        throw new CentralitaError(
          'bad_request',
          `This account has ${MAX_SEARCHES_PER_ACCOUNT} saved searches, the most it may have; delete one first.`,
        );
      }
      const saved = await createSavedSearch(db, {
        workspaceId: principal.workspaceId,
        channelAccountId: l.account.id,
        name: body.name,
        terms: body.terms,
        intervalSeconds: body.intervalSeconds,
        paused: body.paused,
        createdBy: principal.userId,
      });
      ctx.logger.info(
        { savedSearchId: saved.id, channelAccountId: l.account.id, by: principal.id, paused: saved.paused },
        'saved search created',
      );
      return { savedSearch: present(l, saved) };
    },
  });

  api.add({
    method: 'patch',
    path: '/searches/:id',
    tag: 'listening',
    role: 'supervisor',
    summary:
      'Renames, changes, pauses or resumes a saved search. terms merge into the stored ones (lists replace, language null clears it) and are checked whole; a paused search is not run from the next round on.',
    body: z
      .object({
        name: name.optional(),
        terms: savedSearchTermsPatchSchema.optional(),
        intervalSeconds: intervalSecondsSchema.optional(),
        paused: z.boolean().optional(),
      })
      .refine((b) => Object.values(b).some((v) => v !== undefined), 'send at least one of name, terms, intervalSeconds, paused'),
    async handler({ principal, body, params }) {
      const current = await getSavedSearch(db, principal.workspaceId, params.id as string);
      const l = await accountOf(principal, current.channelAccountId);
      let terms: SavedSearchTerms | undefined;
      if (body.terms) {
        const merged = savedSearchTermsSchema.safeParse(mergePatch(current.terms, body.terms));
        if (!merged.success) {
          const details = merged.error.issues.map((i) => ({ field: `terms.${i.path.join('.')}`, message: i.message }));
          throw new CentralitaError(
            'validation_failed',
            `Invalid body: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`,
            details,
          );
        }
        terms = merged.data;
      }
      // Pausing, renaming and a new interval always work. New terms are checked as on create, and
      // so are the stored ones when resuming: the account's tier may have changed since.
      if (terms) refuseProblems(check(l, terms).problems);
      else if (body.paused === false && current.paused) {
        const stored = storedTerms(current.terms);
        refuseProblems(stored ? check(l, stored).problems : ['The stored terms are not valid any more; send them whole.']);
      }
      const updated = await updateSavedSearch(db, principal.workspaceId, current.id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(terms ? { terms } : {}),
        ...(body.intervalSeconds !== undefined ? { intervalSeconds: body.intervalSeconds } : {}),
        ...(body.paused !== undefined ? { paused: body.paused } : {}),
      });
      if (body.paused !== undefined && body.paused !== current.paused) {
        ctx.logger.info(
          { savedSearchId: updated.id, channelAccountId: updated.channelAccountId, by: principal.id },
          updated.paused ? 'saved search paused' : 'saved search resumed',
        );
      }
      return { savedSearch: present(l, updated) };
    },
  });

  api.add({
    method: 'delete',
    path: '/searches/:id',
    tag: 'listening',
    role: 'supervisor',
    summary: 'Deletes a saved search; the adapter stops running it from its next round. 204.',
    async handler({ principal, params }) {
      const deleted = await deleteSavedSearch(db, principal.workspaceId, params.id as string);
      ctx.logger.info({ savedSearchId: deleted.id, channelAccountId: deleted.channelAccountId, by: principal.id }, 'saved search deleted');
      return undefined;
    },
  });
}
