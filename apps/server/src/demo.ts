import { createChannelAccount, createUser, createWorkspace, findWorkspace } from '@centralita/db';
import { createSlaPolicy, createTeam, publish, saveDraft, updateAgentProfile } from '@centralita/dispatcher';
import type { AppContext } from './context.ts';
import { hashPassword } from './crypto.ts';
import type { Inbox } from './services/inbox.ts';

/** The demo users; their shared password is printed by `centralita start --demo` and in the README. */
export const DEMO_PASSWORD = 'centralita-demo';
export const DEMO_USERS = [
  { email: 'admin@demo.centralita.dev', name: 'Ada Admin', role: 'admin' },
  { email: 'supervisor@demo.centralita.dev', name: 'Sergio Supervisor', role: 'supervisor' },
  { email: 'agent@demo.centralita.dev', name: 'Alba Agent', role: 'agent' },
] as const;

export interface DemoInfo {
  workspaceId: string;
  formUrl: string;
  created: boolean;
}

const SAMPLES = [
  {
    name: 'Lucía Fernández',
    email: 'lucia@example.es',
    subject: 'Sin conexión desde esta mañana',
    message: 'Hola, no tengo internet en casa desde las 8:00. La luz del router parpadea en rojo. ¿Hay una avería en Madrid?',
    country: 'ES',
    language: 'es',
    timezone: 'Europe/Madrid',
  },
  {
    name: 'James Carter',
    email: 'james@example.co.uk',
    subject: 'Charged twice this month',
    message: 'My November invoice shows two charges of 39.90. Could you refund one of them?',
    country: 'GB',
    language: 'en',
    timezone: 'Europe/London',
  },
  {
    name: 'Mariana Souza',
    email: 'mariana@example.com.br',
    subject: 'Mudança de endereço',
    message: 'Vou me mudar no dia 15. Como faço para transferir o serviço para o novo endereço?',
    country: 'BR',
    language: 'pt',
    timezone: 'America/Sao_Paulo',
  },
];

/**
 * Seeds a demo workspace (users, a web-form account, conversations sent through the real ingest
 * pipeline) so a new user sees a living system. Running it again changes nothing.
 */
export async function seedDemo(ctx: AppContext, inbox: Inbox): Promise<DemoInfo> {
  const db = ctx.db.kysely;
  const existing = await findWorkspace(db, { slug: 'demo' });
  if (existing) {
    const form = await db
      .selectFrom('channel_accounts')
      .select('id')
      .where('workspace_id', '=', existing.id)
      .where('kind', '=', 'webform')
      .executeTakeFirst();
    return { workspaceId: existing.id, formUrl: form ? `${ctx.publicUrl()}/webhooks/${form.id}` : '', created: false };
  }
  const ws = await createWorkspace(db, { slug: 'demo', name: 'Demo Telecom' });
  const hash = await hashPassword(DEMO_PASSWORD);
  const users = [];
  for (const u of DEMO_USERS)
    users.push(await createUser(db, { workspaceId: ws.id, email: u.email, name: u.name, role: u.role, passwordHash: hash }));
  const account = await createChannelAccount(db, {
    workspaceId: ws.id,
    kind: 'webform',
    name: 'Website contact form',
    settings: { title: 'Demo Telecom support', intro: 'Tell us what happened; we answer within the hour.' },
    secretsEncrypted: null,
  });
  await seedRouting(ctx, ws.id, users);
  const ids: string[] = [];
  for (const [i, s] of SAMPLES.entries()) {
    const result = await inbox.receive(
      account,
      {
        type: 'message.received',
        externalMessageId: `form:demo-${i}`,
        occurredAt: ctx.clock(),
        sender: {
          kind: 'email',
          externalId: s.email,
          verified: false,
          displayName: s.name,
          country: s.country,
          locale: s.language,
          timezone: s.timezone,
        },
        text: s.message,
        subject: s.subject,
        visibility: 'private',
        thread: { externalThreadId: `demo-${i}` },
        metadata: { source: 'webform', demo: true },
      },
      {},
    );
    if (result.conversationId) ids.push(result.conversationId);
  }
  const agent = users.find((u) => u.role === 'agent');
  if (agent && ids[1]) {
    await inbox.post(
      ws.id,
      ids[1],
      { kind: 'reply', text: 'Hi James, sorry about that. I have refunded the second charge; you will see it in 3-5 days.' },
      { type: 'user', id: agent.id },
    );
    await inbox.setStatus(ws.id, ids[1], { type: 'resolve' }, { type: 'user', id: agent.id });
  }
  if (agent && ids[0]) {
    await inbox.post(
      ws.id,
      ids[0],
      { kind: 'note', text: 'Possible fibre outage in Madrid centro; checking with the network team.' },
      { type: 'user', id: agent.id },
    );
  }
  // Routing runs as messages arrive; waiting for it here means the inbox is settled when the
  // command returns (and the CLI does not close the database under a run).
  await ctx.routing.route(ws.id);
  return { workspaceId: ws.id, formUrl: `${ctx.publicUrl()}/webhooks/${account.id}`, created: true };
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[];

/** Two teams, the demo agents online with profiles, an SLA and a small published rule set. */
async function seedRouting(ctx: AppContext, workspaceId: string, users: { id: string; role: string }[]): Promise<void> {
  const db = ctx.db.kysely;
  const iberia = await createTeam(db, workspaceId, {
    name: 'Iberia',
    timezone: 'Europe/Madrid',
    businessHours: { shifts: [{ days: WEEKDAYS, start: '08:00', end: '20:00' }], holidays: ['2026-12-25', '2027-01-01', '2027-01-06'] },
  });
  const global = await createTeam(db, workspaceId, { name: 'Global', timezone: 'UTC' });
  const now = ctx.clock();
  for (const u of users) {
    if (u.role === 'agent') {
      await updateAgentProfile(
        db,
        workspaceId,
        u.id,
        {
          status: 'online',
          timezone: 'Europe/Madrid',
          languages: ['es', 'en'],
          regions: ['ES'],
          skills: { billing: 6, fibre: 4 },
          capacity: { total: 8, channels: { webform: 4, email: 6, twitter: 6 } },
          teamIds: [iberia.id],
        },
        now,
      );
    } else if (u.role === 'supervisor') {
      await updateAgentProfile(
        db,
        workspaceId,
        u.id,
        {
          status: 'online',
          timezone: 'Europe/Madrid',
          languages: ['en', 'es', 'pt'],
          skills: { billing: 8 },
          capacity: { total: 5, channels: {} },
          teamIds: [iberia.id, global.id],
        },
        now,
      );
    }
  }
  await createSlaPolicy(db, workspaceId, {
    name: 'Standard',
    teamId: null,
    minPriority: 0,
    firstResponseMinutes: 60,
    nextResponseMinutes: 120,
    businessHours: true,
  });
  await saveDraft(
    db,
    workspaceId,
    {
      rules: [
        {
          id: 'influencers',
          name: 'People with a large audience first',
          when: 'contact.followers >= 100000 || contact.verified',
          target: { teams: ['Global'] },
          priority: '50 + (contact.followers >= 1000000 ? 30 : 0)',
        },
        {
          id: 'spanish',
          name: 'Spanish speakers to Iberia',
          when: 'conversation.language == "es"',
          target: { teams: ['Iberia'], languages: 'conversation' },
          escalation: [{ afterMinutes: 10, addTeams: ['Global'], raisePriority: 10 }],
        },
      ],
      fallback: { target: { teams: ['Global'], languages: 'conversation' }, priority: 0 },
    },
    null,
  );
  await publish(db, workspaceId, { draft: true }, null, 'demo rules');
}
