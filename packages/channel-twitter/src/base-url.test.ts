import { ApiRequestError, ApiResponseError, type IGetHttpRequestArgs, type ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlPlugin, DEFAULT_X_API_URL } from './base-url.ts';
import { startXPeer, type XPeer } from './testing/index.ts';

type ConfigHookArgs = Parameters<NonNullable<ITwitterApiClientPlugin['onBeforeRequestConfig']>>[0];

/** What the plugin makes of a URL the library built (the hook only reads `params`). */
function rewritten(baseUrl: string, url: string): string {
  const params: IGetHttpRequestArgs = { url, method: 'GET' };
  void baseUrlPlugin(baseUrl).onBeforeRequestConfig?.({ params } as unknown as ConfigHookArgs);
  return params.url;
}

describe('baseUrlPlugin', () => {
  it('leaves every request alone when the base URL is X itself', () => {
    expect(baseUrlPlugin(DEFAULT_X_API_URL)).toEqual({});
    expect(baseUrlPlugin(`${DEFAULT_X_API_URL}/`)).toEqual({});
  });

  it('moves X hosts to the base URL, keeping path and query, and leaves other hosts alone', () => {
    expect(rewritten('https://127.0.0.1:4443', 'https://api.x.com/2/users/1/mentions?since_id=5')).toBe(
      'https://127.0.0.1:4443/2/users/1/mentions?since_id=5',
    );
    expect(rewritten('https://127.0.0.1:4443/', 'https://api.twitter.com/2/tweets')).toBe('https://127.0.0.1:4443/2/tweets');
    expect(rewritten('https://proxy.test/x', 'upload.x.com/1.1/media/upload.json')).toBe('https://proxy.test/x/1.1/media/upload.json');
    expect(rewritten('https://127.0.0.1:4443', 'https://ads-api.x.com/12/accounts')).toBe('https://ads-api.x.com/12/accounts');
  });
});

describe('the real client through the plugin', () => {
  let peer: XPeer;
  beforeAll(async () => {
    peer = await startXPeer();
  });
  afterAll(() => peer.close());

  const client = (ca?: string) =>
    new TwitterApi(
      {
        appKey: peer.credentials.appKey,
        appSecret: peer.credentials.appSecret,
        accessToken: peer.credentials.accessToken,
        accessSecret: peer.credentials.accessSecret,
      },
      { plugins: [baseUrlPlugin(peer.url, ca ? { ca } : {})] },
    );

  it('reaches the peer over TLS when given its certificate, and the peer accepts the OAuth signature', async () => {
    const me = await client(peer.ca).v2.me();
    expect(me.data).toEqual({ id: peer.brand.id, username: peer.brand.username, name: peer.brand.name });
    expect(peer.requests().at(-1)).toMatchObject({ route: 'GET /2/users/me', status: 200, auth: 'user' });
  });

  it('refuses the self-signed certificate without the ca option (the TLS check is real)', async () => {
    const before = peer.requests().length;
    const err = await client()
      .v2.me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    // twitter-api-v2 1.29.1 says only "Request failed." and its `requestError` getter reads a field
    // it never sets, so the cause (here a certificate error) is not visible to the caller.
    expect((err as ApiRequestError).message).toBe('Request failed.');
    expect((err as ApiRequestError).requestError).toBeUndefined();
    expect(peer.requests()).toHaveLength(before);
  });

  it('sends streams to the peer too', async () => {
    // The peer serves no filtered stream, so its 404 proves the stream request arrived there.
    const err = await client(peer.ca)
      .v2.searchStream({ autoConnect: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as ApiResponseError).code).toBe(404);
    expect(peer.requests().at(-1)).toMatchObject({ path: '/2/tweets/search/stream', status: 404 });
  });
});
