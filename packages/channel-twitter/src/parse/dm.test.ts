import { describe, expect, it } from 'vitest';
import {
  activity,
  activityDmPayload,
  brand,
  chatPayload,
  customer,
  dmId,
  dmTime,
  legacyDm,
  v1User,
  v2Dm,
  v2DmResponse,
} from './fixtures.ts';
import {
  dmToEvent,
  ENCRYPTED_DM_TEXT,
  normaliseChatEvent,
  normaliseLegacyDms,
  normaliseV2DmEvents,
  PayloadError,
  parseAccountActivity,
  parseActivityDelivery,
} from './index.ts';

const pair = `${brand.id}-${customer.id}`;

describe('DMs', () => {
  it('give the same message whether polled from dm_events or pushed by either webhook', () => {
    const polled = normaliseV2DmEvents(v2DmResponse(), brand).dms.map((dm) => dmToEvent(dm, brand, { source: 'polling' }));
    const pushed = parseActivityDelivery(activity('dm.received', activityDmPayload()), brand).events;
    const legacy = parseAccountActivity(
      { for_user_id: brand.id, direct_message_events: [legacyDm()], users: { [customer.id]: v1User() } },
      brand,
    ).events;
    expect(polled).toHaveLength(1);
    const [a] = polled;
    expect(a).toMatchObject({
      type: 'message.received',
      externalMessageId: dmId,
      occurredAt: new Date(dmTime),
      sender: {
        kind: 'twitter',
        externalId: customer.id,
        verified: true,
        displayName: 'María López (@maria_lopez)',
        country: 'ES',
        signals: { followers: 321, verified: false },
      },
      text: 'Hola, my tracking link https://track.example.net/XY12 shows nothing',
      fullText: 'Hola, my tracking link https://t.co/Trk987 shows nothing',
      visibility: 'private',
      thread: { externalThreadId: `dm:${pair}`, contactThread: true },
      metadata: { dmEventId: dmId, dmConversationId: pair, source: 'polling' },
    });
    for (const other of [...pushed, ...legacy]) {
      expect(other).toEqual({ ...a, metadata: { ...a?.metadata, source: 'webhook' } });
    }
  });

  it('returns what the brand sent as echoes, not as customer messages', () => {
    const mine = v2Dm({ id: '2087494819717841400', sender_id: brand.id, text: 'We are on it' });
    const v2 = normaliseV2DmEvents(v2DmResponse([v2Dm(), mine]), brand);
    expect(v2.dms.map((d) => d.id)).toEqual([dmId]);
    expect(v2.echoes.map((d) => d.id)).toEqual(['2087494819717841400']);
    const legacy = normaliseLegacyDms(
      activityDmPayload([legacyDm({ id: '2087494819717841400', sender: brand.id, recipient: customer.id })]),
      brand,
    );
    expect(legacy.dms).toEqual([]);
    expect(legacy.echoes[0]).toMatchObject({
      id: '2087494819717841400',
      senderId: brand.id,
      recipientId: customer.id,
      conversationKey: pair,
    });
    expect(() => dmToEvent(v2.echoes[0] as never, brand)).toThrow(PayloadError);
  });

  it('skips joins, group conversations and broken events, and keeps the rest', () => {
    const batch = normaliseV2DmEvents(
      v2DmResponse([
        { id: '2087494819717841401', event_type: 'ParticipantsJoin', participant_ids: [customer.id], dm_conversation_id: '99' },
        v2Dm({ id: '2087494819717841402', dm_conversation_id: '1578398451921985538' }),
        v2Dm({ id: '2087494819717841403', sender_id: undefined }),
        'garbage',
        v2Dm(),
      ]),
      brand,
    );
    expect(batch.dms.map((d) => d.id)).toEqual([dmId]);
    expect(batch.skipped).toEqual([
      { id: '2087494819717841401', reason: 'response.data[0] is a ParticipantsJoin event, not a message' },
      {
        id: '2087494819717841402',
        reason: 'response.data[1] is in group conversation 1578398451921985538; only one-to-one DMs are handled',
      },
      { id: '2087494819717841403', reason: 'response.data[2].sender_id is missing' },
      { reason: 'response.data[3] must be an object, not a string' },
    ]);
  });

  it('lists media as links in metadata and leaves their t.co link out of the text', () => {
    const event = legacyWithMedia();
    expect(event.text).toBe('see the photo');
    expect(event.metadata).toMatchObject({
      attachments: [{ type: 'photo', url: 'https://ton.twimg.com/dm/2087494819717841396/1/photo.jpg' }],
    });
    const empty = normaliseV2DmEvents(
      {
        data: [v2Dm({ text: '', entities: {}, attachments: { media_keys: ['3_1'] } })],
        includes: { media: [{ media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/x.jpg' }] },
      },
      brand,
    ).dms[0];
    expect(empty && dmToEvent(empty, brand)).toMatchObject({
      text: '(attachments only)',
      metadata: { attachments: [{ type: 'photo', url: 'https://pbs.twimg.com/media/x.jpg' }] },
    });
  });

  it('shows an encrypted DM as a placeholder in the same thread as the customer plain DMs', () => {
    const dm = normaliseChatEvent(chatPayload(), brand);
    const event = dmToEvent(dm, brand, { source: 'webhook' });
    expect(event).toMatchObject({
      externalMessageId: '0b6f1a52-3c1e-4c55-9d2a-7e0f5d9a1b22',
      text: ENCRYPTED_DM_TEXT,
      visibility: 'private',
      sender: { kind: 'twitter', externalId: customer.id, verified: true },
      thread: { externalThreadId: `dm:${pair}`, contactThread: true },
      metadata: { encrypted: true, dmConversationId: pair },
    });
    expect(ENCRYPTED_DM_TEXT).toBe('Encrypted DM: open it in X');
  });

  it('refuses a body without its DM list, naming the field', () => {
    expect(() => normaliseLegacyDms({ users: {} }, brand)).toThrow('body.direct_message_events is missing');
    expect(() => normaliseV2DmEvents({ data: {} }, brand)).toThrow('response.data must be a list of DM events');
    expect(normaliseV2DmEvents({ meta: { result_count: 0 } }, brand)).toEqual({ dms: [], echoes: [], skipped: [] });
  });

  it('never lets a users map key reach a prototype', () => {
    const body = JSON.parse(
      `{"direct_message_events": [], "users": {"__proto__": {"data": {"id": "${customer.id}", "username": "x", "polluted": true}}}}`,
    );
    normaliseLegacyDms(body, brand);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

function legacyWithMedia() {
  const raw = legacyDm({ text: 'see the photo https://t.co/Med1a' });
  const data = (raw.message_create as { message_data: Record<string, unknown> }).message_data;
  data.entities = { urls: [] };
  data.attachment = {
    type: 'media',
    media: {
      id_str: '2087494819717841396',
      url: 'https://t.co/Med1a',
      expanded_url: 'https://x.com/messages/media/2087494819717841396',
      media_url_https: 'https://ton.twimg.com/dm/2087494819717841396/1/photo.jpg',
      type: 'photo',
    },
  };
  const dm = normaliseLegacyDms(activityDmPayload([raw]), brand).dms[0];
  if (!dm) throw new Error('the DM was not read');
  return dmToEvent(dm, brand);
}
