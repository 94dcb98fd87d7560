import { randomBytes } from 'node:crypto';

/** One Graph API error as the peer answers it. Unset fields come from `META_ERRORS`. */
export interface GraphErrorSpec {
  code: number;
  subcode?: number;
  httpStatus?: number;
  /** Meta's title, without the "(#code) " prefix the body puts before it. */
  title?: string;
  details?: string;
}

interface KnownError {
  httpStatus: number;
  title: string;
  /** `error_data.details`; WhatsApp's own codes have it, plain Graph ones (4, 190) do not. */
  details?: string;
  subcode?: number;
}

/**
 * The errors the channel must tell apart, with the titles and details Meta's error-code page and
 * real answers use. Meta answers nearly all of them with HTTP 400; the token error with 401.
 */
export const META_ERRORS: Readonly<Record<number, KnownError>> = {
  1: { httpStatus: 500, title: 'An unknown error occurred' },
  2: { httpStatus: 503, title: 'Service temporarily unavailable' },
  4: { httpStatus: 400, title: 'Application request limit reached' },
  100: { httpStatus: 400, title: 'Invalid parameter' },
  190: { httpStatus: 401, title: 'Invalid OAuth access token - Cannot parse access token' },
  368: {
    httpStatus: 400,
    title: 'Temporarily blocked for policies violations',
    details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.',
  },
  2200: { httpStatus: 400, title: 'Callback verification failed' },
  2500: { httpStatus: 400, title: 'Unknown path components' },
  80007: {
    httpStatus: 400,
    title: 'There have been too many calls to this WhatsApp Business account. Wait a bit and try again.',
    details: 'The WhatsApp Business Account has reached its rate limit.',
  },
  130429: { httpStatus: 400, title: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' },
  131000: { httpStatus: 500, title: 'Something went wrong', details: 'Message failed to send due to an unknown error.' },
  131009: { httpStatus: 400, title: 'Parameter value is not valid', details: 'One or more parameter values are invalid.' },
  131026: {
    httpStatus: 400,
    title: 'Message Undeliverable',
    details:
      "Unable to deliver message. Reasons can include: the recipient's phone number is not a WhatsApp phone number; the recipient has not accepted our new Terms of Service and Privacy Policy; the recipient is using an old WhatsApp version.",
  },
  131042: {
    httpStatus: 400,
    title: 'Business eligibility payment issue',
    details: 'Message failed to send because there were one or more errors related to your payment method.',
  },
  131047: {
    httpStatus: 400,
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: {
    httpStatus: 400,
    title: 'Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number. This may be because too many previous messages were blocked or flagged as spam.',
  },
  131051: { httpStatus: 400, title: 'Message type unknown', details: 'Message type is currently not supported.' },
  131053: { httpStatus: 400, title: 'Media upload error', details: 'Unable to upload the media used in the message.' },
  131056: {
    httpStatus: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  132000: {
    httpStatus: 400,
    title: 'Number of parameters does not match the expected number of params',
    details: 'The number of parameters provided does not match the expected number of parameters.',
  },
  132012: {
    httpStatus: 400,
    title: 'Parameter format does not match format in the created template',
    details: 'The header format of the template does not match the parameter sent.',
  },
  132001: {
    httpStatus: 404,
    title: 'Template name does not exist in the translation',
    details: 'The template does not exist in this language.',
  },
};

/** The error codes of the issue, in the order its list names them, for tests that walk them all. */
export const CHANNEL_ERROR_CODES = [130429, 131056, 131048, 4, 80007, 131047, 131026, 131042, 368] as const;

/** A Graph trace id as Meta writes them: 27 characters of base64url after an 'A'. */
export function traceId(): string {
  return `A${randomBytes(20).toString('base64url').slice(0, 26)}`;
}

export interface GraphErrorAnswer {
  status: number;
  body: {
    error: {
      message: string;
      type: 'OAuthException';
      code: number;
      error_subcode?: number;
      error_data?: { messaging_product: 'whatsapp'; details: string };
      fbtrace_id: string;
    };
  };
}

/** The HTTP status and JSON body of a Graph API error, shaped like Meta's. */
export function graphErrorAnswer(spec: GraphErrorSpec): GraphErrorAnswer {
  const known = META_ERRORS[spec.code];
  const title = spec.title ?? known?.title ?? 'An unknown error occurred';
  const details = spec.details ?? known?.details;
  const subcode = spec.subcode ?? known?.subcode;
  return {
    status: spec.httpStatus ?? known?.httpStatus ?? 400,
    body: {
      error: {
        // Graph's token errors carry no "(#190)" prefix; every other code does.
        message: spec.code === 190 ? title : `(#${spec.code}) ${title}`,
        type: 'OAuthException',
        code: spec.code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp' as const, details } }),
        fbtrace_id: traceId(),
      },
    },
  };
}

/** The `errors[]` entry a failed status or an unsupported message carries in a webhook. */
export function webhookError(
  code: number,
  details?: string,
): { code: number; title: string; message: string; error_data: { details: string }; href: string } {
  const known = META_ERRORS[code];
  const title = known?.title ?? 'Something went wrong';
  return {
    code,
    title,
    message: title,
    error_data: { details: details ?? known?.details ?? title },
    href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
  };
}
