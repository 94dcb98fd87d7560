import { ApiResponseError, type TwitterApi } from 'twitter-api-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { peerClients, startXPeer, type XPeer } from './index.ts';

let peer: XPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const DM_FIELDS: Parameters<TwitterApi['v2']['listDmEvents']>[0] = {
  'dm_event.fields': ['sender_id', 'created_at', 'dm_conversation_id', 'participant_ids'],
  expansions: ['sender_id'],
  'user.fields': ['username'],
};

describe('direct messages', () => {
  it('lists a customer DM with its sender, and the brand answers in the same conversation', async () => {
    peer = await startXPeer();
    const { user } = peerClients(peer);
    const ana = peer.addUser({ id: '42', username: 'ana' });
    const inbound = peer.sendDm({ from: 'ana', text: 'Hi, order 1234 is late' });
    expect(inbound.dm_conversation_id).toBe(`42-${peer.brand.id}`);

    const listed = await user.v2.listDmEvents(DM_FIELDS);
    expect(listed.events).toEqual([
      {
        id: inbound.id,
        event_type: 'MessageCreate',
        text: 'Hi, order 1234 is late',
        sender_id: '42',
        created_at: inbound.created_at,
        dm_conversation_id: inbound.dm_conversation_id,
        participant_ids: ['42', peer.brand.id],
      },
    ]);
    expect(listed.includes.users).toEqual([{ id: '42', name: 'ana', username: 'ana' }]);

    const sent = await user.v2.sendDmToParticipant(ana.id, { text: 'Checking now!' });
    // The library types the answer as the inner object, but X (and the peer) wrap it in `data`.
    expect(sent).toEqual({ data: { dm_conversation_id: inbound.dm_conversation_id, dm_event_id: peer.sentDms()[0]?.event.id } });
    expect(peer.sentDms()).toEqual([
      expect.objectContaining({ recipientId: '42', event: expect.objectContaining({ text: 'Checking now!', sender_id: peer.brand.id }) }),
    ]);

    const thread = await user.v2.listDmEventsWithParticipant(ana.id, DM_FIELDS);
    expect(thread.events.map((e) => ('text' in e ? e.text : ''))).toEqual(['Checking now!', 'Hi, order 1234 is late']);
  });

  it('pages DM events with pagination_token', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    for (let i = 0; i < 3; i++) peer.sendDm({ from: 'ana', text: `message ${i}` });
    const first = await peerClients(peer).user.v2.listDmEvents({ max_results: 2 });
    expect(first.events.map((e) => ('text' in e ? e.text : ''))).toEqual(['message 2', 'message 1']);
    const rest = await first.next();
    expect(rest.events.map((e) => ('text' in e ? e.text : ''))).toEqual(['message 0']);
  });

  it('refuses to open a DM with someone who does not accept them', async () => {
    peer = await startXPeer();
    const closed = peer.addUser({ username: 'private_pat', acceptsDms: false });
    const err = await peerClients(peer)
      .user.v2.sendDmToParticipant(closed.id, { text: 'Hello' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as ApiResponseError).code).toBe(403);
    expect((err as ApiResponseError).data.detail).toBe('You cannot send messages to this user.');
    expect(peer.sentDms()).toEqual([]);
  });

  it('keeps encrypted XChat messages out of the DM endpoints', async () => {
    peer = await startXPeer();
    peer.addUser({ username: 'ana' });
    const chat = peer.sendDm({ from: 'ana', text: 'secret', encrypted: true });
    expect(chat.encoded_event).not.toContain('secret');
    const listed = await peerClients(peer).user.v2.listDmEvents();
    expect(listed.events).toEqual([]);
  });

  it('serves DMs only to the brand user context, not the app-only token', async () => {
    peer = await startXPeer();
    const err = await peerClients(peer)
      .app.v2.listDmEvents()
      .catch((e: unknown) => e);
    expect((err as ApiResponseError).code).toBe(403);
    expect((err as ApiResponseError).data.title).toBe('Unsupported Authentication');
  });
});
