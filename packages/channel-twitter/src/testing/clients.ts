import { TwitterApi } from 'twitter-api-v2';
import { baseUrlPlugin } from '../base-url.ts';
import type { XPeer } from './peer.ts';

/**
 * Real twitter-api-v2 clients pointed at a peer: `user` signs as the brand (OAuth 1.0a), `app`
 * uses the bearer token (webhook management). Built exactly as the channel builds its own.
 */
export function peerClients(peer: XPeer): { user: TwitterApi; app: TwitterApi } {
  const plugins = [baseUrlPlugin(peer.url, { ca: peer.ca })];
  const c = peer.credentials;
  return {
    user: new TwitterApi(
      { appKey: c.appKey, appSecret: c.appSecret, accessToken: c.accessToken, accessSecret: c.accessSecret },
      { plugins },
    ),
    app: new TwitterApi(c.bearerToken, { plugins }),
  };
}
