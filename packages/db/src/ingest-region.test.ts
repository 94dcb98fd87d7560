import type { InboundSender, MessageReceivedEvent } from '@centralita/core';
import { useTestDatabase } from '@centralita/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from './ingest.ts';
import { createChannelAccount } from './repos/channel-accounts.ts';
import { createWorkspace } from './repos/workspaces.ts';

// Where the customer is: a conversation's region, which incidents link by, comes from what the
// channel says of the sender (a form's region, an X profile's, else the country).

const database = useTestDatabase();
let target: { workspaceId: string; channelAccountId: string; reopenWindowMinutes: number };

beforeAll(async () => {
  const db = database.current.db.kysely;
  const ws = (await createWorkspace(db, { slug: 'regions', name: 'Regions' })).id;
  const account = await createChannelAccount(db, { workspaceId: ws, kind: 'twitter', name: 'x', settings: {}, secretsEncrypted: null });
  target = { workspaceId: ws, channelAccountId: account.id, reopenWindowMinutes: 60 };
});

let n = 0;
function message(sender: Partial<InboundSender>, thread: string): MessageReceivedEvent {
  n += 1;
  return {
    type: 'message.received',
    externalMessageId: `r${n}`,
    occurredAt: new Date(),
    sender: { kind: 'twitter', externalId: `u${thread}`, verified: true, ...sender },
    text: 'sin fibra',
    visibility: 'public',
    thread: { externalThreadId: thread },
  };
}

const ingest = (e: MessageReceivedEvent) => ingestMessage(database.current.db.kysely, target, e, { now: new Date() });

const regionOf = async (conversationId: string) =>
  (await database.current.db.kysely.selectFrom('conversations').select('region').where('id', '=', conversationId).executeTakeFirstOrThrow())
    .region;

describe('conversation region', () => {
  it("is the sender's region, else the country", async () => {
    const a = await ingest(message({ country: 'ES', region: 'ES-MD' }, 't1'));
    expect(await regionOf(a.conversationId)).toBe('ES-MD');
    const b = await ingest(message({ country: 'ES' }, 't2'));
    expect(await regionOf(b.conversationId)).toBe('ES');
  });

  it('is filled by a later message when the conversation did not know it, and then kept', async () => {
    const first = await ingest(message({}, 't3'));
    expect(await regionOf(first.conversationId)).toBeNull();
    const second = await ingest(message({ region: 'ES-B', country: 'ES' }, 't3'));
    expect(second.conversationId).toBe(first.conversationId);
    expect(await regionOf(first.conversationId)).toBe('ES-B');
    await ingest(message({ region: 'ES-MD' }, 't3'));
    expect(await regionOf(first.conversationId)).toBe('ES-B');
  });
});
