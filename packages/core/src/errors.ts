/** Machine-readable error codes shared by the API, the ingest pipeline and the adapters. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'invalid_transition'
  | 'internal';

/**
 * An error that says what went wrong in words a user can act on, with a stable code and
 * optional details (for example the fields that failed validation).
 */
export class CentralitaError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'CentralitaError';
    this.code = code;
    this.details = details;
  }
}
