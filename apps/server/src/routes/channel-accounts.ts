import { type ChannelAdapter, ConfigError, describeChannel, type UsageStatus } from '@centralita/channel-kit';
import { CentralitaError } from '@centralita/core';
import {
  type ChannelAccountRecord,
  type ChannelAccountState,
  createChannelAccount,
  findChannelAccount,
  listChannelAccountStates,
  listChannelAccounts,
  updateChannelAccount,
} from '@centralita/db';
import { mergePatch } from '@centralita/dispatcher';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';

/**
 * An account as the API shows it: secrets are reported as set, never returned; `state` is what its
 * adapter last reported (null before the first report); `usage` is its month against its budget
 * (null for a channel that meters nothing).
 */
export function present(ctx: AppContext, a: ChannelAccountRecord, state: ChannelAccountState | null, usage: UsageStatus | null) {
  const adapter = ctx.channels.adapter(a.kind);
  const secretKeys = adapter?.config.secretKeys ?? [];
  const setSecrets = a.secretsEncrypted ? Object.keys(ctx.box.open(a.secretsEncrypted)) : [];
  return {
    id: a.id,
    kind: a.kind,
    name: a.name,
    active: a.active,
    settings: a.settings,
    secrets: Object.fromEntries(secretKeys.map((k) => [k, setSecrets.includes(k) ? 'set' : 'unset'])),
    // This account's own (webhook or polling, signed or not); null when its config no longer parses.
    capabilities: capabilitiesOf(ctx, a),
    webhookUrl: ctx.channels.webhookUrl(a.id),
    installed: Boolean(adapter),
    state,
    usage,
    createdAt: a.createdAt,
  };
}

function capabilitiesOf(ctx: AppContext, a: ChannelAccountRecord) {
  try {
    return ctx.channels.capabilitiesOf(a);
  } catch {
    return null;
  }
}

/**
 * The adapter for `kind` and its parse of `raw` (with generated values filled in), or a 422 that
 * names the unknown kind or each bad field.
 */
function parseConfig(ctx: AppContext, kind: string, raw: Record<string, unknown>) {
  const adapter = ctx.channels.adapter(kind);
  if (!adapter) {
    const kinds = ctx.channels.adapters().map((a) => a.kind);
    throw new CentralitaError('validation_failed', `Unknown channel kind "${kind}"; this server has ${kinds.join(', ')}.`);
  }
  const full = { ...adapter.config.generate?.(), ...raw };
  try {
    return { adapter, full, config: adapter.config.parse(full) };
  } catch (err) {
    if (err instanceof ConfigError) throw new CentralitaError('validation_failed', err.message, err.issues);
    throw err;
  }
}

/**
 * Validates a config with the adapter, adds what the adapter looks up from the provider (X: the
 * brand's user id and handle, from its token) where the admin left it out, and splits it into
 * settings and sealed secrets. A lookup that fails adds nothing: the connection retries it.
 */
async function splitConfig(ctx: AppContext, kind: string, raw: Record<string, unknown>) {
  const parsed = parseConfig(ctx, kind, raw);
  const { adapter } = parsed;
  const derived = adapter.config.complete ? await adapter.config.complete(parsed.config).catch(() => ({})) : {};
  const full: Record<string, unknown> = { ...parsed.full };
  for (const [k, v] of Object.entries(derived)) if (full[k] === undefined || full[k] === null || full[k] === '') full[k] = v;
  const secrets: Record<string, string> = {};
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(full)) {
    if (adapter.config.secretKeys.includes(k)) secrets[k] = String(v);
    else settings[k] = v;
  }
  return { settings, sealed: Object.keys(secrets).length > 0 ? ctx.box.seal(secrets) : null };
}

/** Channel kinds this server has and the accounts configured for them. */
export function registerChannelRoutes(api: ApiRegistry, ctx: AppContext): void {
  const db = ctx.db.kysely;
  // The host tells each adapter its webhook URL, from the same public URL the API shows.
  ctx.channels.setPublicUrl(ctx.publicUrl);

  /**
   * Connects a new or changed account on this node at once, so an adapter that registers its
   * webhook with the channel (in `start`) does so now rather than at the first delivery, which
   * would never come. A failure is logged; the account is saved either way.
   */
  async function stateOf(account: ChannelAccountRecord): Promise<ChannelAccountState | null> {
    return (await listChannelAccountStates(db, account.workspaceId)).get(account.id) ?? null;
  }

  /** An account as the API shows it, with its reported state and its month's usage. */
  async function view(account: ChannelAccountRecord) {
    const adapter = ctx.channels.adapter(account.kind);
    const [state, usage] = await Promise.all([stateOf(account), adapter ? ctx.usage.status(account, adapter) : null]);
    return present(ctx, account, state, usage);
  }

  async function connectNow(account: ChannelAccountRecord): Promise<void> {
    if (!account.active) return;
    try {
      await ctx.channels.connection(account.id);
    } catch (err) {
      ctx.logger.warn(
        { channelAccountId: account.id, channel: account.kind, error: err instanceof Error ? err.message : String(err) },
        'channel account saved, but its connection did not start',
      );
    }
  }

  api.add({
    method: 'get',
    path: '/channel-kinds',
    tag: 'channels',
    role: 'agent',
    summary:
      'The channel adapters installed on this server: capabilities (text limits, visibilities), and what a console shows ' +
      '(icon, labelled config fields, visibility labels).',
    handler: async () => ({ items: ctx.channels.adapters().map(describeKind) }),
  });

  api.add({
    method: 'get',
    path: '/channel-accounts',
    tag: 'channels',
    role: 'agent',
    summary:
      "The workspace's channel accounts (settings, never secrets), each with its reported state and its month's usage against its budget.",
    handler: async ({ principal }) => {
      const [accounts, states] = await Promise.all([
        listChannelAccounts(db, principal.workspaceId),
        listChannelAccountStates(db, principal.workspaceId),
      ]);
      const usage = await ctx.usage.statuses(
        principal.workspaceId,
        accounts.map((a) => ({ id: a.id, adapter: ctx.channels.adapter(a.kind) })),
      );
      return { items: accounts.map((a) => present(ctx, a, states.get(a.id) ?? null, usage.get(a.id) ?? null)) };
    },
  });

  api.add({
    method: 'post',
    path: '/channel-accounts',
    tag: 'channels',
    role: 'admin',
    status: 201,
    summary: 'Adds a channel account; the adapter validates the config and secret fields are encrypted.',
    body: z.object({
      kind: z.string().min(1).max(50),
      name: z.string().trim().min(1).max(200),
      config: z.record(z.string(), z.unknown()).default({}),
    }),
    async handler({ principal, body }) {
      const { settings, sealed } = await splitConfig(ctx, body.kind, body.config);
      const account = await createChannelAccount(db, {
        workspaceId: principal.workspaceId,
        kind: body.kind,
        name: body.name,
        settings,
        secretsEncrypted: sealed,
      });
      ctx.logger.info({ channelAccountId: account.id, channel: account.kind }, 'channel account created');
      await connectNow(account);
      return { channelAccount: await view(account) };
    },
  });

  api.add({
    method: 'patch',
    path: '/channel-accounts/:id',
    tag: 'channels',
    role: 'admin',
    summary: 'Renames, reconfigures or deactivates a channel account. Omitted secrets keep their value.',
    body: z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        active: z.boolean().optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .refine((b) => Object.keys(b).length > 0, 'send at least one of name, active, config'),
    async handler({ principal, body, params }) {
      const current = await findChannelAccount(db, params.id as string);
      if (!current || current.workspaceId !== principal.workspaceId)
        throw new CentralitaError('not_found', `No channel account ${params.id} in this workspace.`);
      let patch: { settings?: Record<string, unknown>; secretsEncrypted?: string | null } = {};
      if (body.config) {
        const oldSecrets = current.secretsEncrypted ? ctx.box.open(current.secretsEncrypted) : {};
        // Merged like every PATCH: a field left out keeps its value (secrets too), null resets it.
        const merged = mergePatch({ ...current.settings, ...oldSecrets }, body.config);
        const { settings, sealed } = await splitConfig(ctx, current.kind, merged);
        patch = { settings, secretsEncrypted: sealed };
      }
      const updated = await updateChannelAccount(db, principal.workspaceId, current.id, {
        ...patch,
        ...(body.name ? { name: body.name } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
      await ctx.channels.refresh(current.id);
      await connectNow(updated);
      return { channelAccount: await view(updated) };
    },
  });

  api.add({
    method: 'post',
    path: '/channel-accounts/test',
    tag: 'channels',
    role: 'admin',
    summary:
      'Tries a configuration without saving it: step by step (DNS, connection and TLS, login, mailbox) what worked and what failed. ' +
      'Give accountId to test an existing account with some settings changed; its stored secrets fill what is omitted.',
    body: z.object({
      kind: z.string().min(1).max(50).optional(),
      accountId: z.uuid().optional(),
      config: z.record(z.string(), z.unknown()).default({}),
    }),
    async handler({ principal, body }) {
      let kind = body.kind;
      let stored: Record<string, unknown> = {};
      if (body.accountId) {
        const current = await findChannelAccount(db, body.accountId);
        if (!current || current.workspaceId !== principal.workspaceId)
          throw new CentralitaError('not_found', `No channel account ${body.accountId} in this workspace.`);
        kind = current.kind;
        stored = { ...current.settings, ...(current.secretsEncrypted ? ctx.box.open(current.secretsEncrypted) : {}) };
      }
      if (!kind) throw new CentralitaError('validation_failed', 'Give the channel kind, or the accountId of an existing account.');
      const { adapter, config } = parseConfig(ctx, kind, { ...stored, ...body.config });
      if (!adapter.testConnection) {
        throw new CentralitaError('validation_failed', `${adapter.displayName} accounts have no connection to test.`);
      }
      const report = await adapter.testConnection(config);
      ctx.logger.info({ channel: kind, ok: report.ok, failed: report.checks.filter((c) => !c.ok).map((c) => c.name) }, 'connection tested');
      return report;
    },
  });
}

/** An installed adapter as `GET /channel-kinds` lists it. */
export function describeKind(a: ChannelAdapter) {
  return {
    kind: a.kind,
    displayName: a.displayName,
    ...describeChannel(a),
    capabilities: a.capabilities,
    secretKeys: a.config.secretKeys,
    // Whether POST /channel-accounts/test can try this kind's settings (a console offers the button).
    testable: typeof a.testConnection === 'function',
  };
}
