import { errorBody } from '@centralita/channel-kit';
import { CentralitaError, type ErrorCode, findInputProblem } from '@centralita/core';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import type { AppLogger } from '../logger.ts';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  invalid_transition: 409,
  internal: 500,
};

export { errorBody };

/**
 * Validates input with a zod schema, or throws `validation_failed` listing each problem. Before
 * the schema, every string and key is checked for characters nothing may store (NUL, other
 * control characters, lone surrogates) and the nesting for its depth, so no route can forget to.
 */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const unsafe = findInputProblem(value, where);
  if (unsafe) throw new CentralitaError('validation_failed', `Invalid ${where}: ${unsafe.message}.`, [unsafe]);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ field: i.path.join('.') || where, message: i.message }));
  throw new CentralitaError('validation_failed', `Invalid ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}

/** Answers unknown routes with the envelope instead of Express's HTML page. */
export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `No route ${req.method} ${req.path}.`));
};

interface HttpishError {
  type?: string;
  status?: number;
  message?: string;
}

/** Maps every error to the envelope; unexpected ones are logged and answered without internals. */
export function errorHandler(logger: AppLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof CentralitaError) {
      const status = STATUS[err.code];
      if (err.code === 'rate_limited' && typeof err.details === 'object' && err.details && 'retryAfterSeconds' in err.details) {
        res.setHeader('retry-after', String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
      res.status(status).json(errorBody(err.code, err.message, err.details));
      return;
    }
    const e = err as HttpishError & { code?: string };
    if (e.code === '23505') {
      // A unique index caught a race the handler's own check could not (two identical requests at once).
      res
        .status(409)
        .json(
          errorBody('conflict', 'This conflicts with a record stored at the same moment (a duplicate); retry, or use a new key or name.'),
        );
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json(errorBody('payload_too_large', 'The request body is larger than this endpoint accepts.'));
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('bad_request', `The body is not valid JSON: ${e.message ?? ''}`));
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json(errorBody('bad_request', e.message ?? 'Bad request'));
      return;
    }
    logger.error({ err, path: req.path, method: req.method }, 'unhandled error');
    res.status(500).json(errorBody('internal', 'Something went wrong on our side; it has been logged.'));
  };
}
