import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GraphPeer, startGraphPeer } from './index.ts';

/*
 * The peer's wire format, checked with bare fetch so nothing of ours sits in between: what a
 * client sees is what Meta's Graph API answers, error bodies included.
 */

let peer: GraphPeer;
beforeEach(async () => {
  peer = await startGraphPeer();
});
afterEach(async () => {
  await peer.close();
});

interface GraphErrorJson {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: string; details: string };
    fbtrace_id: string;
  };
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = peer.accessToken,
): Promise<{ status: number; json: unknown; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${peer.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

const messages = () => `/${peer.version}/${peer.phoneNumberId}/messages`;
const text = (to: Record<string, string>, body = 'Hola') => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  ...to,
  type: 'text',
  text: { body },
});

describe('authentication and paths', () => {
  it('answers 401 code 190 without a token or with a wrong one, as Graph does', async () => {
    for (const token of [null, 'EAAnot-the-token']) {
      const res = await call('POST', messages(), text({ to: '34600123456' }), token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('invalid_token');
      const { error } = res.json as GraphErrorJson;
      expect(error).toMatchObject({ type: 'OAuthException', code: 190 });
      expect(error.fbtrace_id).toBe(res.headers.get('x-fb-trace-id'));
    }
    expect(peer.sent).toHaveLength(0);
  });

  it('takes the token as the access_token query parameter too', async () => {
    const res = await fetch(`${peer.url}/${peer.version}/${peer.phoneNumberId}?access_token=${peer.accessToken}`);
    expect(res.status).toBe(200);
  });

  it('refuses another version prefix', async () => {
    const res = await call('POST', `/v19.0/${peer.phoneNumberId}/messages`, text({ to: '34600123456' }));
    expect(res.status).toBe(400);
    expect((res.json as GraphErrorJson).error).toMatchObject({ code: 2500 });
    expect((res.json as GraphErrorJson).error.message).toContain('v26.0');
  });
});

describe('POST /{phone-number-id}/messages', () => {
  it('answers in Meta’s shape and records the send', async () => {
    const res = await call('POST', messages(), text({ to: '+34 600-12-34-56' }));
    expect(res.status).toBe(200);
    const answer = res.json as { messaging_product: string; contacts: unknown[]; messages: { id: string }[] };
    expect(answer).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+34 600-12-34-56', wa_id: '34600123456' }],
      messages: [{ id: expect.stringMatching(/^wamid\.HBgL/) }],
    });
    expect(peer.sent[0]).toMatchObject({ messageId: answer.messages[0]?.id, to: { phone: '+34600123456' }, at: expect.any(Date) });
    expect(peer.sent[0]?.to.bsuid).toMatch(/^ES\.\d+$/);
  });

  it('marks template sends accepted, as Meta does', async () => {
    const res = await call('POST', messages(), {
      messaging_product: 'whatsapp',
      to: '34600123456',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '#9' }] }],
      },
    });
    expect((res.json as { messages: unknown[] }).messages).toEqual([{ id: expect.any(String), message_status: 'accepted' }]);
  });

  it('takes `to` over `recipient` when both are given', async () => {
    await call('POST', messages(), text({ to: '34600123456', recipient: 'ES.123' }));
    expect(peer.sent[0]).toMatchObject({ addressedBy: 'phone', field: 'to' });
  });

  it.each([
    ['no messaging_product', { to: '34600123456', type: 'text', text: { body: 'Hola' } }, 'The parameter messaging_product is required.'],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'Hola' } }, 'The parameter to is required.'],
    ['a phone that is not one', text({ to: '12' }), 'Invalid parameter'],
    ['a recipient that is not a BSUID', text({ recipient: '34600123456' }), 'Invalid parameter'],
    ['an unknown type', { messaging_product: 'whatsapp', to: '34600123456', type: 'poll', poll: {} }, 'Invalid parameter'],
    ['an empty text', text({ to: '34600123456' }, ''), 'Invalid parameter'],
    [
      'a media with both id and link',
      { messaging_product: 'whatsapp', to: '34600123456', type: 'image', image: { id: '1', link: 'https://x' } },
      'Invalid parameter',
    ],
    [
      'a caption on a sticker',
      { messaging_product: 'whatsapp', to: '34600123456', type: 'sticker', sticker: { link: 'https://x/s.webp', caption: 'x' } },
      'Invalid parameter',
    ],
    ['a context without message_id', { ...text({ to: '34600123456' }), context: {} }, 'Invalid parameter'],
    [
      'a read receipt for a message never received',
      { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.x' },
      'Invalid parameter',
    ],
  ])('answers 400 code 100 to %s', async (_what, body, title) => {
    const res = await call('POST', messages(), body);
    expect(res.status).toBe(400);
    const { error } = res.json as GraphErrorJson;
    expect(error).toMatchObject({ code: 100, type: 'OAuthException', message: `(#100) ${title}` });
    expect(peer.sent).toHaveLength(0);
  });

  it('answers a named template with a wrong parameter name with 132000', async () => {
    const res = await call('POST', messages(), {
      messaging_product: 'whatsapp',
      to: '34600123456',
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'es' },
        components: [
          { type: 'header', parameters: [{ type: 'text', parameter_name: 'clinic', text: 'Centro' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Ana' },
              { type: 'text', parameter_name: 'day', text: 'lunes' },
            ],
          },
        ],
      },
    });
    expect((res.json as GraphErrorJson).error).toMatchObject({ code: 132000, error_data: { details: expect.stringContaining('day') } });
  });

  it('gives error bodies with error_data for WhatsApp codes', async () => {
    peer.failNext({ code: 131048 });
    const { error } = (await call('POST', messages(), text({ to: '34600123456' }))).json as GraphErrorJson;
    expect(error).toEqual({
      message: '(#131048) Spam rate limit hit',
      type: 'OAuthException',
      code: 131048,
      error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('restrictions on how many messages') },
      fbtrace_id: expect.any(String),
    });
  });

  it('aims a fault at one route only', async () => {
    peer.failNext({ code: 80007, on: 'templates' });
    expect((await call('POST', messages(), text({ to: '34600123456' }))).status).toBe(200);
    expect((await call('GET', `/${peer.version}/${peer.wabaId}/message_templates`)).status).toBe(400);
  });
});

describe('account endpoints', () => {
  it('pages templates with limit and after', async () => {
    const first = (await call('GET', `/${peer.version}/${peer.wabaId}/message_templates?limit=3`)).json as {
      data: { name: string }[];
      paging: { cursors: { after: string }; next?: string };
    };
    expect(first.data).toHaveLength(3);
    expect(first.paging.next).toContain(`after=${first.paging.cursors.after}`);
    const rest = (await call('GET', `/${peer.version}/${peer.wabaId}/message_templates?limit=100&after=${first.paging.cursors.after}`))
      .json as {
      data: unknown[];
      paging: { next?: string };
    };
    expect(first.data.length + rest.data.length).toBe(peer.templates.length);
    expect(rest.paging.next).toBeUndefined();
  });

  it('answers only the phone number fields asked for', async () => {
    const res = await call('GET', `/${peer.version}/${peer.phoneNumberId}?fields=display_phone_number,quality_rating`);
    expect(res.json).toEqual({ display_phone_number: '+34 910 00 00 00', quality_rating: 'GREEN', id: peer.phoneNumberId });
  });

  it('lists the subscription after subscribing without a callback override', async () => {
    expect((await call('POST', `/${peer.version}/${peer.wabaId}/subscribed_apps`)).json).toEqual({ success: true });
    expect((await call('GET', `/${peer.version}/${peer.wabaId}/subscribed_apps`)).json).toMatchObject({
      data: [{ whatsapp_business_api_data: {} }],
    });
    expect(peer.subscribedApps).toMatchObject([{ callbackUrl: null }]);
  });
});
