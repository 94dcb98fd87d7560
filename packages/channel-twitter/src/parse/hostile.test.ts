import { jsonPaths, replacedAt } from '@centralita/channel-kit/conformance';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activity,
  activityDmPayload,
  brand,
  chatPayload,
  includes,
  legacyDm,
  v1Mention,
  v1User,
  v2DmResponse,
  v2Mention,
} from './fixtures.ts';
import {
  deliveryUserId,
  detectDeliveryShape,
  MAX_TEXT_LENGTH,
  normaliseLegacyDms,
  normaliseV2DmEvents,
  PayloadError,
  parseAccountActivity,
  parseActivityDelivery,
  postToEvent,
} from './index.ts';

/** Every parser, each fed one body. */
const parsers: Record<string, (body: unknown) => unknown> = {
  activity: (b) => parseActivityDelivery(b, brand),
  accountActivity: (b) => parseAccountActivity(b, brand),
  post: (b) => postToEvent(b, includes, brand),
  postIncludes: (b) => postToEvent(v2Mention(), b, brand),
  v2Dms: (b) => normaliseV2DmEvents(b, brand),
  legacyDms: (b) => normaliseLegacyDms(b, brand),
  detect: (b) => [detectDeliveryShape(b), deliveryUserId(b)],
};

/** Valid bodies to break: every kind the parsers read. */
const seeds: unknown[] = [
  activity('post.mention.create', v2Mention(), { includes }),
  activity('post.quote.create', v2Mention({ referenced_tweets: [{ type: 'quoted', id: '1' }] })),
  activity('dm.received', activityDmPayload()),
  activity('chat.received', chatPayload()),
  activity('oauth.revoke', { user_id: brand.id, app_id: '1' }),
  {
    for_user_id: brand.id,
    tweet_create_events: [v1Mention()],
    direct_message_events: [legacyDm()],
    users: { '1600000000000000002': v1User() },
  },
  v2Mention(),
  v2DmResponse(),
  activityDmPayload(),
];

/** Only PayloadError may escape a parser; anything else (a TypeError, a RangeError) is our bug. */
function onlyPayloadErrors(body: unknown): void {
  for (const [name, parse] of Object.entries(parsers)) {
    try {
      parse(body);
    } catch (error) {
      if (!(error instanceof PayloadError)) throw new Error(`${name} threw ${String(error)}`, { cause: error });
    }
  }
}

const hostileKeys = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'id', 'data', 'payload', 'users', 'text', 'event_type'),
  fc.string(),
);
const hostileValue = fc.oneof(
  fc.anything({ key: hostileKeys, maxDepth: 4, withNullPrototype: true, withBigInt: false }),
  fc.constantFrom(
    '',
    '\u0000',
    '\ud800',
    '-1',
    '1e400',
    'NaN',
    '99999999999999999999999',
    'MessageCreate',
    'message_create',
    'dm.received',
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

describe('hostile input', () => {
  it('never throws anything but PayloadError for arbitrary values', () => {
    fc.assert(fc.property(hostileValue, onlyPayloadErrors), { numRuns: 300 });
  });

  it('never throws anything but PayloadError when any field of a real body is replaced', () => {
    const cases = seeds.flatMap((seed) => jsonPaths(seed).map((path) => ({ seed, path })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), hostileValue, ({ seed, path }, value) => onlyPayloadErrors(replacedAt(seed, path, value))),
      { numRuns: 1_500 },
    );
  });

  it('survives deep nesting, huge strings and huge lists without exhausting anything', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = { data: deep, payload: [deep] };
    onlyPayloadErrors(deep);
    const huge = 'é'.repeat(2_000_000);
    const [event] = parseActivityDelivery(activity('post.mention.create', v2Mention({ text: huge }), { includes }), brand).events;
    expect(event?.text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH + 1);
    const many = Array.from({ length: 20_000 }, () => legacyDm());
    expect(normaliseLegacyDms(activityDmPayload(many), brand).dms).toHaveLength(20_000);
    const manyUsers = { users: Array.from({ length: 50_000 }, (_, i) => ({ id: String(i), username: `u${i}` })) };
    expect(postToEvent(v2Mention(), manyUsers, brand).externalMessageId).toBe(v2Mention().id);
  });

  it('never pollutes Object.prototype through __proto__ keys', () => {
    const body = JSON.parse(
      `{"data":{"event_uuid":"1","event_type":"post.mention.create","__proto__":{"polluted":1},"payload":${JSON.stringify(
        v2Mention(),
      ).replace('{', '{"__proto__":{"polluted":1},')},"includes":{"users":{"__proto__":{"id":"1","polluted":1}}}}}`,
    );
    expect(parseActivityDelivery(body, brand).events).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
