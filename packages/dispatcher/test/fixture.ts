import type { InboundSender } from '@centralita/core';
import { createChannelAccount, createUser, createWorkspace, type Database, ingestMessage } from '@centralita/db';
import type { Kysely } from 'kysely';
import { createTeam, type ProfilePatch, publish, saveDraft, updateAgentProfile } from '../src/index.ts';

/** A workspace with a web-form and an email account, ready for agents, teams and rules. */
export async function workspace(db: Kysely<Database>, slug: string) {
  const ws = await createWorkspace(db, { slug, name: slug });
  const webform = await createChannelAccount(db, {
    workspaceId: ws.id,
    kind: 'webform',
    name: 'Form',
    settings: {},
    secretsEncrypted: null,
  });
  const email = await createChannelAccount(db, { workspaceId: ws.id, kind: 'email', name: 'Mail', settings: {}, secretsEncrypted: null });
  let n = 0;
  let clock = new Date();
  return {
    id: ws.id,
    accounts: { webform: webform.id, email: email.id },
    now: () => clock,
    setNow(d: Date) {
      clock = d;
    },
    advance(minutes: number) {
      clock = new Date(clock.getTime() + minutes * 60_000);
    },
    async team(name: string, extra: Parameters<typeof createTeam>[2] extends infer T ? Partial<T> : never = {}) {
      return (await createTeam(db, ws.id, { ...extra, name })).id;
    },
    async agent(name: string, profile: ProfilePatch) {
      const user = await createUser(db, {
        workspaceId: ws.id,
        email: `${name}-${slug}@example.test`,
        name,
        role: 'agent',
        passwordHash: null,
      });
      await updateAgentProfile(db, ws.id, user.id, { status: 'online', ...profile }, new Date());
      return user.id;
    },
    async rules(document: unknown) {
      await saveDraft(db, ws.id, document, null);
      return publish(db, ws.id, { draft: true }, null, null);
    },
    /** A customer writes in; returns the conversation id. */
    async customer(text: string, opts: { channel?: 'webform' | 'email'; sender?: Partial<InboundSender> } = {}) {
      n += 1;
      const channel = opts.channel ?? 'webform';
      const r = await ingestMessage(
        db,
        { workspaceId: ws.id, channelAccountId: channel === 'email' ? email.id : webform.id, reopenWindowMinutes: 60 },
        {
          type: 'message.received',
          externalMessageId: `m-${slug}-${n}`,
          occurredAt: clock,
          sender: {
            kind: channel === 'email' ? 'email' : 'webform',
            externalId: `c${n}@${slug}.test`,
            verified: true,
            displayName: `C${n}`,
            ...opts.sender,
          },
          text,
          visibility: 'private',
          thread: { contactThread: false },
        },
        { now: clock },
      );
      return r.conversationId;
    },
  };
}

export async function conversationRow(db: Kysely<Database>, id: string) {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function eventsOf(db: Kysely<Database>, id: string) {
  const rows = await db.selectFrom('events').select(['type', 'data']).where('conversation_id', '=', id).orderBy('seq').execute();
  return rows.map((r) => ({ type: r.type, data: r.data as Record<string, unknown> }));
}
