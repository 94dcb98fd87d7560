/**
 * X's error bodies ("problem JSON": `type`, `title`, `detail`, sometimes `status`), as X's docs and
 * real answers seen in public bug reports show them. twitter-api-v2 puts the parsed body on
 * `ApiResponseError.data` and builds its message as `Request failed with code N - title: detail (see type)`.
 */
export interface XProblem {
  type: string;
  title: string;
  detail: string;
  status?: number;
  [extra: string]: unknown;
}

export interface ProblemAnswer {
  status: number;
  body: XProblem;
}

const forbidden = (detail: string): ProblemAnswer => ({
  status: 403,
  body: { title: 'Forbidden', type: 'about:blank', status: 403, detail },
});

export const problems = {
  unauthorized: (): ProblemAnswer => ({
    status: 401,
    body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  }),
  /** The wrong kind of credentials for the endpoint (e.g. app-only bearer on a user-context one). */
  unsupportedAuthentication: (used: string, supported: string): ProblemAnswer => ({
    status: 403,
    body: {
      title: 'Unsupported Authentication',
      type: 'https://api.x.com/2/problems/unsupported-authentication',
      status: 403,
      detail: `Authenticating with ${used} is forbidden for this endpoint.  Supported authentication types are [${supported}].`,
    },
  }),
  /** A parameter X rejects; `errors[]` carries the per-parameter message as X does. */
  invalidRequest: (message: string, parameter?: string, value?: string): ProblemAnswer => ({
    status: 400,
    body: {
      errors: [parameter ? { parameters: { [parameter]: value === undefined ? [] : [value] }, message } : { message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.x.com/2/problems/invalid-request',
    },
  }),
  notFound: (): ProblemAnswer => ({
    status: 404,
    body: { title: 'Not Found Error', type: 'about:blank', status: 404, detail: 'Not Found' },
  }),
  /** The 2026 self-serve reply rule: the original post did not summon the replying account. */
  replyNotSummoned: (): ProblemAnswer =>
    forbidden(
      'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.',
    ),
  duplicateContent: (): ProblemAnswer => forbidden('You are not allowed to create a Tweet with duplicate content.'),
  replyTargetMissing: (): ProblemAnswer => forbidden('You attempted to reply to a Tweet that is deleted or not visible to you.'),
  textTooLong: (): ProblemAnswer =>
    forbidden(
      'Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.',
    ),
  dmNotAllowed: (): ProblemAnswer => forbidden('You cannot send messages to this user.'),
  /** A private Activity API event subscribed with an app-only token. */
  privateEventNeedsUserContext: (eventType: string): ProblemAnswer =>
    forbidden(`The event type ${eventType} is private and requires user-context authentication for the filtered user.`),
  rateLimited: (): ProblemAnswer => ({
    status: 429,
    body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  }),
  /** Monthly cap reached: a 429 whose rate-limit headers may still show capacity. */
  usageCapExceeded: (accountId: string): ProblemAnswer => ({
    status: 429,
    body: {
      account_id: accountId,
      product_name: 'pay-per-use',
      title: 'UsageCapExceeded',
      period: 'Monthly',
      scope: 'Product',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.x.com/2/problems/usage-capped',
    },
  }),
  creditsDepleted: (accountId: string): ProblemAnswer => ({
    status: 402,
    body: {
      account_id: accountId,
      title: 'CreditsDepleted',
      detail: `Your enrolled account [${accountId}] does not have any credits to fulfill this request.`,
      type: 'https://api.x.com/2/problems/credits',
    },
  }),
  serviceUnavailable: (): ProblemAnswer => ({
    status: 503,
    body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 },
  }),
  internalError: (): ProblemAnswer => ({
    status: 500,
    body: {
      title: 'Internal Server Error',
      detail: 'Internal Server Error',
      type: 'https://api.x.com/2/problems/internal-error',
      status: 500,
    },
  }),
} as const;

/** X answers a lookup of a missing resource with 200 and an `errors` entry like this one. */
export function resourceNotFound(resourceType: string, parameter: string, value: string, detail: string): Record<string, string> {
  return {
    value,
    detail,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: 'https://api.x.com/2/problems/resource-not-found',
  };
}
