import createClient from 'openapi-fetch';
import type { paths } from './schema.ts';

/** An answer that was not 2xx, with the API's own error code and sentence (docs/api.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { field?: string; message?: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * The REST API, typed by paths generated from the server's OpenAPI document (`schema.ts`): the
 * path, its parameters, query and body are checked against the same zod schemas that validate
 * them on the server. Same origin, so the session cookie is all the authentication there is.
 */
export const client = createClient<paths>({ credentials: 'same-origin' });

client.use({
  async onResponse({ response }) {
    if (response.ok) return undefined;
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { error?: { code?: string; message?: string; details?: ApiError['details'] } } | null;
    throw new ApiError(
      response.status,
      body?.error?.code ?? 'internal',
      body?.error?.message ?? `HTTP ${response.status}`,
      body?.error?.details ?? [],
    );
  },
});

/**
 * The answer's body as the server type it is. Responses are not yet described by schemas in the
 * OpenAPI document, so the caller names the server's type (see docs/decisions/0017).
 */
export async function data<T>(call: Promise<{ data?: unknown; response: Response }>): Promise<T> {
  const { data: body, response } = await call;
  if (response.status === 204) return undefined as T;
  return body as T;
}
