import type { RuleIssue, RuleSetDocument } from '../api/types.ts';

/** A rule as the document holds it (docs/routing.md, "A rule"). */
export type DocRule = RuleSetDocument['rules'][number];
export type DocTarget = DocRule['target'];
export type DocStep = NonNullable<DocRule['escalation']>[number];

/** A rule in the editor: the document's rule and a key that stays with it while it moves. */
export interface EditorRule {
  key: string;
  rule: DocRule;
}

export interface EditorState {
  rules: EditorRule[];
  /** Everything but the rules (fallback, agingMinutes, and any field the editor does not know). */
  rest: Omit<RuleSetDocument, 'rules'>;
}

let counter = 0;
const newKey = () => `k${++counter}`;

/** The editor's state for a document, which may be anything a person typed in the JSON tab. */
export function fromDocument(doc: unknown): EditorState {
  const obj = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const { rules, ...rest } = obj;
  const list = Array.isArray(rules) ? rules : [];
  return {
    rules: list.map((r) => ({ key: newKey(), rule: (r && typeof r === 'object' ? r : {}) as DocRule })),
    rest: rest as EditorState['rest'],
  };
}

export function toDocument(state: EditorState): RuleSetDocument {
  return { ...state.rest, rules: state.rules.map((r) => r.rule) } as RuleSetDocument;
}

/** A rule new in the editor, with an id no other rule has. */
export function blankRule(existing: EditorRule[]): EditorRule {
  const ids = new Set(existing.map((r) => r.rule.id));
  let n = existing.length + 1;
  while (ids.has(`rule-${n}`)) n++;
  return { key: newKey(), rule: { id: `rule-${n}`, name: '', target: {} } as DocRule };
}

/** JSON with keys in order, so two documents that differ only in key order compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Fields where an empty value means the same as a missing one, so clearing a field is not a change. */
function normalRule(r: DocRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === '' || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

export type ChangedField = 'id' | 'name' | 'when' | 'target' | 'priority' | 'escalation';

export interface RuleSetChanges {
  added: DocRule[];
  removed: DocRule[];
  changed: { rule: DocRule; fields: ChangedField[] }[];
  moved: boolean;
  fallback: boolean;
  aging: boolean;
}

/** What publishing `next` changes from `prev`, rule by rule (matched by id). */
export function diff(prev: RuleSetDocument | null, next: RuleSetDocument): RuleSetChanges {
  const before = prev?.rules ?? [];
  const byId = new Map(before.map((r) => [r.id, r]));
  const nextIds = new Set(next.rules.map((r) => r.id));
  const changed: RuleSetChanges['changed'] = [];
  for (const r of next.rules) {
    const old = byId.get(r.id);
    if (!old) continue;
    const a = normalRule(old);
    const b = normalRule(r);
    const fields = (['name', 'when', 'target', 'priority', 'escalation'] as const).filter((f) => canonical(a[f]) !== canonical(b[f]));
    if (fields.length) changed.push({ rule: r, fields });
  }
  const kept = next.rules.filter((r) => byId.has(r.id)).map((r) => r.id);
  const keptBefore = before.filter((r) => nextIds.has(r.id)).map((r) => r.id);
  return {
    added: next.rules.filter((r) => !byId.has(r.id)),
    removed: before.filter((r) => !nextIds.has(r.id)),
    changed,
    moved: kept.join('\n') !== keptBefore.join('\n'),
    fallback: canonical(prev?.fallback ?? null) !== canonical(next.fallback ?? null),
    aging: (prev?.agingMinutes ?? 10) !== (next.agingMinutes ?? 10),
  };
}

export function hasChanges(c: RuleSetChanges): boolean {
  return c.added.length + c.removed.length + c.changed.length > 0 || c.moved || c.fallback || c.aging;
}

/** A problem placed where the editor shows it: on a rule (by its key) and field, or on the set. */
export interface PlacedIssue extends RuleIssue {
  key: string | null;
}

/**
 * Places the validator's problems on the rules they name. `keys` are the rules' keys in the
 * order the validated document had them, so a problem stays on its rule after a move.
 */
export function place(issues: RuleIssue[], keys: string[]): PlacedIssue[] {
  return issues.map((i) => ({ ...i, key: i.position >= 1 ? (keys[i.position - 1] ?? null) : null }));
}

/** Whether a problem belongs to a field or a field under it (`target` covers `target.teams`). */
export function isAt(issue: RuleIssue, field: string): boolean {
  return issue.field === field || issue.field.startsWith(`${field}.`) || issue.field.startsWith(`${field}[`);
}
