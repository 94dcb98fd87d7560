import { createHash, randomBytes } from 'node:crypto';
import type { Conversation } from '@centralita/core';
import { createChannelAccount, createWorkspace, type Db, ingestMessage, type StoredMessage } from '@centralita/db';
import { publish, saveDraft } from '@centralita/dispatcher';
import { sql } from 'kysely';

const LANGUAGES = ['es', 'en', 'pt', 'ca'];
const COUNTRIES = ['ES', 'MX', 'AR', 'US', 'BR', 'PT'];

/** One console user with the API token its sockets sign in with, and the rooms the server puts it in. */
export interface DeskUser {
  id: string;
  role: 'agent' | 'supervisor';
  /** Index into `teamIds`; null for supervisors. */
  team: number | null;
  token: string;
  tokenId: string;
}

/** A conversation already with a team and an assignee, that webhook messages thread into. */
export interface DeskConversation {
  id: string;
  team: number;
  assigneeId: string;
  /** The external thread id the bench channel threads it by. */
  thread: string;
  /** The sender whose conversation it is. */
  sender: string;
}

/** A workspace shaped like a large desk, seeded in bulk: what the realtime, burst and routing figures share. */
export interface Desk {
  workspaceId: string;
  webformId: string;
  hookId: string;
  teamIds: string[];
  users: DeskUser[];
  conversations: DeskConversation[];
  /** What the server broadcasts for an inbound message into a desk conversation, to size the bare server's payloads. */
  sample: { conversation: Conversation; message: StoredMessage };
}

/** The stored form of a token (as apps/server/src/crypto.ts hashes it). */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * `agents` agents in `teams` teams (online, four languages, capacity `capacity` on every channel),
 * `supervisors` supervisors, an API token for each, a published rule set of `rules` rules (all
 * but the last match nothing ordinary, so each decision walks the list), a web form that lets one
 * client post 1,000 times a minute, the bench webhook channel, and `conversationsPerTeam`
 * conversations per team, each assigned to one of the team's agents.
 */
export async function seedBenchDesk(
  db: Db,
  size: { agents: number; teams: number; supervisors: number; rules: number; capacity: number; conversationsPerTeam: number },
): Promise<Desk> {
  const k = db.kysely;
  const ws = await createWorkspace(k, { slug: `desk-${Date.now()}`, name: 'Bench desk' });
  const form = await createChannelAccount(k, {
    workspaceId: ws.id,
    kind: 'webform',
    name: 'Bench form',
    settings: { submissionsPerMinute: 1_000, duplicateWindowSeconds: 0 },
    secretsEncrypted: null,
  });
  const hook = await createChannelAccount(k, {
    workspaceId: ws.id,
    kind: 'benchhook',
    name: 'Bench hook',
    settings: {},
    secretsEncrypted: null,
  });
  const teams = await sql<{ id: string; name: string }>`
    INSERT INTO teams (workspace_id, name)
    SELECT ${ws.id}, 'Team ' || g FROM generate_series(0, ${size.teams - 1}) g
    RETURNING id, name`.execute(k);
  const teamIds = Array.from({ length: size.teams }, (_, i) => teams.rows.find((t) => t.name === `Team ${i}`)?.id as string);

  const total = size.agents + size.supervisors;
  const roles = Array.from({ length: total }, (_, i) => (i < size.agents ? 'agent' : 'supervisor'));
  const emails = roles.map((r, i) => `${r}${i}@desk.bench`);
  const inserted = await sql<{ id: string; email: string }>`
    INSERT INTO users (workspace_id, email, name, role)
    SELECT ${ws.id}, e, 'User ' || n, r FROM unnest(${emails}::text[], ${roles}::text[]) WITH ORDINALITY AS u(e, r, n)
    RETURNING id, email`.execute(k);
  const idOf = new Map(inserted.rows.map((r) => [r.email, r.id]));
  const userIds = emails.map((e) => idOf.get(e) as string);
  const agentIds = userIds.slice(0, size.agents);

  await sql`
    INSERT INTO agent_profiles (user_id, workspace_id, status, languages, regions, skills, capacity_total, capacity_channels)
    SELECT u, ${ws.id}, 'online',
      ARRAY[(${sql.lit(`{${LANGUAGES.join(',')}}`)}::text[])[1 + (n - 1) % 4], 'en'],
      ARRAY[(${sql.lit(`{${COUNTRIES.join(',')}}`)}::text[])[1 + (n - 1) % 6]],
      jsonb_build_object('billing', 1 + (n - 1) % 10, 'social', 1 + ((n - 1) * 7) % 10),
      ${size.capacity}::int, jsonb_build_object('webform', ${size.capacity}::int, 'benchhook', ${size.capacity}::int, 'email', ${size.capacity}::int)
    FROM unnest(${agentIds}::uuid[]) WITH ORDINALITY AS a(u, n)`.execute(k);
  await sql`
    INSERT INTO team_members (workspace_id, team_id, user_id)
    SELECT ${ws.id}, (${teamIds}::uuid[])[1 + (n - 1) % ${size.teams}::int], u
    FROM unnest(${agentIds}::uuid[]) WITH ORDINALITY AS a(u, n)`.execute(k);

  const tokens = userIds.map(() => `ctk_${randomBytes(32).toString('base64url')}`);
  const tokenRows = await sql<{ id: string; created_by: string }>`
    INSERT INTO api_tokens (workspace_id, name, token_hash, role, created_by)
    SELECT ${ws.id}, 'bench socket', h, r, u FROM unnest(${tokens.map(hashToken)}::text[], ${roles}::text[], ${userIds}::uuid[]) AS t(h, r, u)
    RETURNING id, created_by`.execute(k);
  const tokenIdOf = new Map(tokenRows.rows.map((r) => [r.created_by, r.id]));
  const users: DeskUser[] = userIds.map((id, i) => ({
    id,
    role: roles[i] as 'agent' | 'supervisor',
    team: i < size.agents ? i % size.teams : null,
    token: tokens[i] as string,
    tokenId: tokenIdOf.get(id) as string,
  }));

  const rules: unknown[] = [];
  for (let r = 0; r < size.rules - 1; r++) {
    rules.push({
      id: `r${r}`,
      when: `conversation.language == "${LANGUAGES[r % 4]}" && contact.followers > ${100_000 + r} && conversation.text.containsAny(["k${r}"])`,
      target: { teams: [`Team ${r % size.teams}`], languages: 'conversation', skills: [{ name: 'billing', minLevel: (r % 5) + 1 }] },
      priority: r % 50,
    });
  }
  rules.push({ id: 'everyone', target: { languages: 'conversation' }, escalation: [{ afterMinutes: 10, dropLanguages: true }] });
  await saveDraft(k, ws.id, { rules }, null);
  await publish(k, ws.id, { draft: true }, null, null);

  // Conversations of verified senders on the bench channel, threaded by an external thread id,
  // each with a team and one of that team's agents.
  const n = size.teams * size.conversationsPerTeam;
  const convTeams = Array.from({ length: n }, (_, c) => c % size.teams);
  const assignees = convTeams.map((t, c) => agentIds[t + size.teams * (Math.floor(c / size.teams) % (size.agents / size.teams))] as string);
  const senders = convTeams.map((_, c) => `desk-${c}`);
  const contacts = await sql<{ id: string; name: string }>`
    INSERT INTO contacts (workspace_id, name, country) SELECT ${ws.id}, s, 'ES' FROM unnest(${senders}::text[]) AS s
    RETURNING id, name`.execute(k);
  const contactOf = new Map(contacts.rows.map((r) => [r.name, r.id]));
  const contactIds = senders.map((s) => contactOf.get(s) as string);
  await sql`
    INSERT INTO identities (workspace_id, contact_id, kind, external_id, verified)
    SELECT ${ws.id}, c, 'benchhook', s, true FROM unnest(${contactIds}::uuid[], ${senders}::text[]) AS x(c, s)`.execute(k);
  const conv = await sql<{ id: string; contact_id: string }>`
    INSERT INTO conversations (workspace_id, contact_id, channel_account_id, status, last_message_at, last_inbound_at, channel_kind,
      language, region, team_id, assignee_id, assigned_at, created_at, subject)
    SELECT ${ws.id}, c, ${hook.id}, 'open', now(), now(), 'benchhook', 'es', 'ES', t, a, now(), now(), 'Conversation of ' || s
    FROM unnest(${contactIds}::uuid[], ${convTeams.map((t) => teamIds[t] as string)}::uuid[], ${assignees}::uuid[], ${senders}::text[]) AS x(c, t, a, s)
    RETURNING id, contact_id`.execute(k);
  const byContact = new Map(conv.rows.map((r) => [r.contact_id, r.id]));
  const convOf = new Map(senders.map((s, c) => [s, byContact.get(contactIds[c] as string) as string]));
  const conversations: DeskConversation[] = senders.map((s, c) => ({
    id: convOf.get(s) as string,
    team: convTeams[c] as number,
    assigneeId: assignees[c] as string,
    thread: `thread-${s}`,
    sender: s,
  }));
  await sql`
    INSERT INTO conversation_threads (workspace_id, channel_account_id, external_thread_id, conversation_id)
    SELECT ${ws.id}, ${hook.id}, t, c FROM unnest(${conversations.map((c) => c.thread)}::text[], ${conversations.map((c) => c.id)}::uuid[]) AS x(t, c)`.execute(
    k,
  );

  // One message the way the webhook delivers it, so the bare server's payloads have the sizes of the real ones.
  const first = conversations[0] as DeskConversation;
  const ingested = await ingestMessage(
    k,
    { workspaceId: ws.id, channelAccountId: hook.id, reopenWindowMinutes: 10_080 },
    {
      type: 'message.received',
      externalMessageId: 'sample-0',
      occurredAt: new Date(),
      sender: { kind: 'benchhook', externalId: first.sender, verified: true },
      text: benchText(0),
      visibility: 'private',
      thread: { externalThreadId: first.thread },
    },
    { now: new Date() },
  );
  if (ingested.conversationId !== first.id || !ingested.message)
    throw new Error('the sample message did not thread into its desk conversation');
  return {
    workspaceId: ws.id,
    webformId: form.id,
    hookId: hook.id,
    teamIds,
    users,
    conversations,
    sample: { conversation: ingested.conversation, message: ingested.message },
  };
}

/** The text of bench message `i`: a realistic customer sentence, always the same length for the same i's digit count. */
export function benchText(i: number): string {
  return `Message ${i}: llevo dos días sin fibra en casa y nadie me dice cuándo vuelve, ¿me podéis ayudar?`;
}
