import { createChannelAccount, createUser, createWorkspace, findWorkspace } from '@centralita/db';
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
  return { workspaceId: ws.id, formUrl: `${ctx.publicUrl()}/webhooks/${account.id}`, created: true };
}
