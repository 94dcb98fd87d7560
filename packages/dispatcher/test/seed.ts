import { createChannelAccount, createUser, createWorkspace, type Database } from '@centralita/db';
import { type Kysely, sql } from 'kysely';
import { createTeam, publish, saveDraft, updateAgentProfile } from '../src/index.ts';

const LANGUAGES = ['es', 'en', 'pt', 'ca'];
const COUNTRIES = ['ES', 'MX', 'AR', 'US', 'BR', 'PT'];
const CHANNELS = ['webform', 'email', 'twitter'];

/**
 * A workspace shaped like a real desk for load tests: agents in teams with languages, skills,
 * per-channel capacities; a rule set of `rules` rules; `conversations` waiting, of mixed
 * languages, countries and channels.
 */
export async function seedDesk(
  db: Kysely<Database>,
  slug: string,
  size: { agents: number; rules: number; conversations: number; capacity: number },
) {
  const ws = await createWorkspace(db, { slug, name: slug });
  const account = await createChannelAccount(db, {
    workspaceId: ws.id,
    kind: 'webform',
    name: 'Form',
    settings: {},
    secretsEncrypted: null,
  });
  const teamIds: string[] = [];
  for (const name of ['Iberia', 'Americas', 'Billing', 'Social']) teamIds.push((await createTeam(db, ws.id, { name })).id);
  for (let i = 0; i < size.agents; i++) {
    const user = await createUser(db, {
      workspaceId: ws.id,
      email: `agent${i}@${slug}.test`,
      name: `Agent ${i}`,
      role: 'agent',
      passwordHash: null,
    });
    await updateAgentProfile(
      db,
      ws.id,
      user.id,
      {
        status: 'online',
        languages: [LANGUAGES[i % 4] as string, 'en'],
        regions: [COUNTRIES[i % 6] as string],
        skills: { billing: (i % 10) + 1, social: ((i * 7) % 10) + 1 },
        teamIds: [teamIds[i % 4] as string, ...(i % 3 === 0 ? [teamIds[(i + 1) % 4] as string] : [])],
        capacity: {
          total: size.capacity,
          channels: { webform: size.capacity, email: size.capacity, twitter: Math.max(1, size.capacity - 2) },
        },
      },
      new Date(),
    );
  }
  const rules = [];
  for (let r = 0; r < size.rules - 1; r++) {
    // Mostly rules that do not match (as in a real set, where most traffic falls through many
    // special cases), then a catch-all: each decision walks the whole list.
    rules.push({
      id: `r${r}`,
      when: `conversation.language == "${LANGUAGES[r % 4]}" && contact.followers > ${100_000 + r} && conversation.text.containsAny(["k${r}"])`,
      target: {
        teams: [['Iberia', 'Americas', 'Billing', 'Social'][r % 4] as string],
        languages: 'conversation' as const,
        skills: [{ name: 'billing', minLevel: (r % 5) + 1 }],
      },
      priority: r % 50,
    });
  }
  rules.push({
    id: 'everyone',
    target: { languages: 'conversation' as const },
    escalation: [{ afterMinutes: 10, dropLanguages: true as const }],
  });
  await saveDraft(db, ws.id, { rules }, null);
  await publish(db, ws.id, { draft: true }, null, null);
  await seedQueue(db, ws.id, account.id, size.conversations);
  return { workspaceId: ws.id, accountId: account.id };
}

export async function seedQueue(db: Kysely<Database>, workspaceId: string, accountId: string, n: number): Promise<void> {
  await sql`
    WITH c AS (
      INSERT INTO contacts (workspace_id, name, country, signals)
      SELECT ${workspaceId}, 'Customer ' || g, (${sql.lit(`{${COUNTRIES.join(',')}}`)}::text[])[1 + g % 6], jsonb_build_object('followers', (g * 37) % 5000)
      FROM generate_series(1, ${n}) g
      RETURNING id, name
    )
    INSERT INTO conversations (workspace_id, contact_id, channel_account_id, status, last_message_at, channel_kind, language,
      waiting_since, awaiting_reply_since, created_at)
    SELECT ${workspaceId}, c.id, ${accountId}, 'open', now(), (${sql.lit(`{${CHANNELS.join(',')}}`)}::text[])[1 + n % 3],
      (${sql.lit(`{${LANGUAGES.join(',')}}`)}::text[])[1 + n % 4], now() - n * interval '1 second', now(), now()
    FROM (SELECT c.*, row_number() OVER () AS n FROM c) c`.execute(db);
}
