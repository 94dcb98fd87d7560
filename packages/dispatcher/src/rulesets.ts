import { CentralitaError } from '@centralita/core';
import type { Database } from '@centralita/db';
import { type CompileOutcome, compileRuleSet, type RuleIssue } from '@centralita/routing';
import { type Kysely, sql } from 'kysely';
import { loadTeams } from './snapshot.ts';

export interface RuleSetVersion {
  version: number;
  status: 'published' | 'retired';
  document: unknown;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
  publishedBy: string | null;
  publishedAt: Date | null;
}

export interface RuleSetDraft {
  document: unknown;
  createdBy: string | null;
  updatedAt: Date;
  issues: RuleIssue[];
}

/** Validates a document against the workspace's teams, without saving anything. */
export async function validateRuleSet(db: Kysely<Database>, workspaceId: string, document: unknown): Promise<CompileOutcome> {
  const teams = await loadTeams(db, workspaceId);
  return compileRuleSet(document, [...teams.values()]);
}

function issuesOf(out: CompileOutcome): RuleIssue[] {
  return out.ok ? out.warnings : out.issues;
}

export async function getPublished(db: Kysely<Database>, workspaceId: string): Promise<RuleSetVersion | null> {
  const row = await db
    .selectFrom('routing_rule_sets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'published')
    .executeTakeFirst();
  return row ? toVersion(row) : null;
}

export async function getDraft(db: Kysely<Database>, workspaceId: string): Promise<RuleSetDraft | null> {
  const row = await db
    .selectFrom('routing_rule_sets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  if (!row) return null;
  return {
    document: row.document,
    createdBy: row.created_by,
    updatedAt: row.created_at,
    issues: issuesOf(await validateRuleSet(db, workspaceId, row.document)),
  };
}

/**
 * Saves the workspace's one draft, even with problems (work in progress is never lost); the
 * problems come back with it, and publishing refuses until they are fixed.
 */
export async function saveDraft(
  db: Kysely<Database>,
  workspaceId: string,
  document: unknown,
  userId: string | null,
): Promise<RuleSetDraft> {
  const json = JSON.stringify(document);
  const row = await db
    .insertInto('routing_rule_sets')
    .values({ workspace_id: workspaceId, status: 'draft', document: json, created_by: userId })
    .onConflict((oc) =>
      oc.column('workspace_id').where('status', '=', 'draft').doUpdateSet({ document: json, created_by: userId, created_at: sql`now()` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    document: row.document,
    createdBy: row.created_by,
    updatedAt: row.created_at,
    issues: issuesOf(await validateRuleSet(db, workspaceId, document)),
  };
}

export async function discardDraft(db: Kysely<Database>, workspaceId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('routing_rule_sets')
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * Publishes the draft, or an earlier version (a rollback), as a new version. A set with errors
 * is refused with every problem named; the version running now keeps running.
 */
export async function publish(
  db: Kysely<Database>,
  workspaceId: string,
  source: { draft: true } | { version: number },
  userId: string | null,
  note: string | null,
): Promise<RuleSetVersion> {
  return db.transaction().execute(async (trx) => {
    // One publisher at a time per workspace: versions are numbered without gaps or races.
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`rules:${workspaceId}`}, 0))`.execute(trx);
    const from = await trx
      .selectFrom('routing_rule_sets')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .$call((q) => ('draft' in source ? q.where('status', '=', 'draft') : q.where('version', '=', source.version)))
      .executeTakeFirst();
    if (!from) {
      throw new CentralitaError(
        'not_found',
        'draft' in source ? 'There is no draft to publish.' : `There is no version ${source.version}.`,
      );
    }
    const out = await validateRuleSet(trx, workspaceId, from.document);
    if (!out.ok) {
      throw new CentralitaError('validation_failed', 'The rule set has problems; the published version keeps running.', {
        issues: out.issues,
      });
    }
    // jsonb equality ignores key order and spacing: the same rules written differently are the same.
    const same = await trx
      .selectFrom('routing_rule_sets')
      .select('version')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'published')
      .where('document', '=', sql<never>`${JSON.stringify(from.document)}::jsonb`)
      .executeTakeFirst();
    if (same) {
      throw new CentralitaError(
        'conflict',
        `These rules are the same as the published version ${same.version}; there is nothing to publish.`,
      );
    }
    const { next } = await trx
      .selectFrom('routing_rule_sets')
      .select(sql<number>`COALESCE(max(version), 0) + 1`.as('next'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('routing_rule_sets')
      .set({ status: 'retired' })
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'published')
      .execute();
    const row = await trx
      .insertInto('routing_rule_sets')
      .values({
        workspace_id: workspaceId,
        version: next,
        status: 'published',
        document: JSON.stringify(from.document),
        note: note ?? ('draft' in source ? null : `rollback to version ${source.version}`),
        created_by: from.created_by,
        published_by: userId,
        published_at: sql<Date>`now()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if ('draft' in source) await trx.deleteFrom('routing_rule_sets').where('id', '=', from.id).execute();
    return toVersion(row);
  });
}

export async function listVersions(db: Kysely<Database>, workspaceId: string): Promise<Omit<RuleSetVersion, 'document'>[]> {
  const rows = await db
    .selectFrom('routing_rule_sets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'draft')
    .orderBy('version', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => {
    const { document: _, ...rest } = toVersion(r);
    return rest;
  });
}

export async function getVersion(db: Kysely<Database>, workspaceId: string, version: number): Promise<RuleSetVersion | null> {
  const row = await db
    .selectFrom('routing_rule_sets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toVersion(row) : null;
}

function toVersion(r: {
  version: number | null;
  status: string;
  document: unknown;
  note: string | null;
  created_by: string | null;
  created_at: Date;
  published_by: string | null;
  published_at: Date | null;
}): RuleSetVersion {
  return {
    version: r.version ?? 0,
    status: r.status as RuleSetVersion['status'],
    document: r.document,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
    publishedBy: r.published_by,
    publishedAt: r.published_at,
  };
}
