import { Agent } from 'node:https';
import type { IGetHttpRequestArgs, ITwitterApiClientPlugin } from 'twitter-api-v2';

/** Where X serves its API; an account configured with this base URL talks to X itself. */
export const DEFAULT_X_API_URL = 'https://api.x.com';

/**
 * The hosts twitter-api-v2 1.29.1 builds its URLs on (`globals.js`: api, upload and stream on
 * x.com), plus their twitter.com names in case a caller passes a full legacy URL. The ads hosts are
 * left alone: the channel never calls them.
 */
const X_HOSTS = new Set(['api.x.com', 'upload.x.com', 'stream.x.com', 'api.twitter.com', 'upload.twitter.com', 'stream.twitter.com']);

export interface BaseUrlPluginOptions {
  /** PEM certificate(s) to trust for the base URL's host, e.g. a local peer's self-signed one. */
  ca?: string;
}

/**
 * A twitter-api-v2 plugin that sends every request (REST and streams) to `baseUrl` instead of X's
 * hosts, keeping the path and query. The library has no base-URL option and `cloneWithPrefix()`
 * throws in 1.29.1, so the URL is rewritten in the two config hooks, before the library signs the
 * request (the OAuth 1.0a signature therefore covers the URL actually called). With
 * `DEFAULT_X_API_URL` and no `ca` it does nothing. With `ca`, requests to the base URL's host use an
 * HTTPS agent that trusts it, unless the client settings already name an `httpAgent` (a proxy
 * agent the caller chose wins).
 */
export function baseUrlPlugin(baseUrl: string, options: BaseUrlPluginOptions = {}): ITwitterApiClientPlugin {
  const target = new URL(baseUrl);
  const prefix = `${target.origin}${target.pathname.replace(/\/+$/, '')}`;
  const rewrites = prefix !== DEFAULT_X_API_URL;
  const agent = options.ca ? new Agent({ ca: options.ca }) : undefined;
  const rewrite = (params: IGetHttpRequestArgs): void => {
    if (!rewrites) return;
    const match = /^(?:https?:\/\/)?([^/?#]+)(.*)$/i.exec(params.url);
    if (match?.[1] && X_HOSTS.has(match[1].toLowerCase())) params.url = `${prefix}${match[2] ?? ''}`;
  };
  if (!rewrites && !agent) return {};
  return {
    onBeforeRequestConfig({ params }) {
      rewrite(params);
    },
    onBeforeRequest({ computedParams, requestOptions }) {
      if (agent && !requestOptions.agent && computedParams.url.host === target.host) requestOptions.agent = agent;
    },
    onBeforeStreamRequestConfig({ client, params }) {
      rewrite(params);
      // Streams have no per-request hook after the options are built; they read the agent from the
      // client settings, so that is where it must be for the TLS handshake to trust `ca`.
      if (
        agent &&
        !client.clientSettings.httpAgent &&
        new URL(params.url.startsWith('http') ? params.url : `https://${params.url}`).host === target.host
      ) {
        client.clientSettings.httpAgent = agent;
      }
    },
  };
}
