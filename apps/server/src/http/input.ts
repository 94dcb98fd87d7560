import { isUtf8 } from 'node:buffer';
import { invalidUtf8Fields } from '@centralita/channel-kit';
import { CentralitaError } from '@centralita/core';
import { json, type RequestHandler } from 'express';

/**
 * Express's JSON parser, refusing bodies that are not valid UTF-8 instead of silently turning the
 * bad bytes into U+FFFD (which would store something the client never sent).
 */
export function jsonBody(limit: string): ReturnType<typeof json> {
  return json({
    limit,
    verify(_req, _res, buf) {
      if (isUtf8(buf)) return;
      const fields = invalidUtf8Fields(buf);
      const where = fields.length > 0 ? `in ${fields.join(', ')}` : 'somewhere in it';
      throw Object.assign(
        new CentralitaError(
          'validation_failed',
          `The body is not valid UTF-8 (${where}); send JSON encoded as UTF-8.`,
          fields.map((field) => ({ field, message: 'is not valid UTF-8' })),
        ),
        { status: 422 },
      );
    },
  });
}

/**
 * Refuses a query string whose percent-encoding does not decode to UTF-8 (`%E0`, `%`), naming
 * the parameter; the default parser would quietly replace the bytes.
 */
export const strictQueryEncoding: RequestHandler = (req, _res, next) => {
  const at = req.originalUrl.indexOf('?');
  if (at < 0) {
    next();
    return;
  }
  for (const part of req.originalUrl.slice(at + 1).split('&')) {
    const [name = '', value = ''] = part.split('=', 2);
    for (const piece of [name, value]) {
      try {
        decodeURIComponent(piece.replace(/\+/g, ' '));
      } catch {
        const field = safeName(name);
        throw new CentralitaError('validation_failed', `Query parameter ${field} is not valid percent-encoded UTF-8.`, [
          { field, message: 'is not valid percent-encoded UTF-8' },
        ]);
      }
    }
  }
  next();
};

/** A parameter's name as far as it can be read, for the error message. */
function safeName(raw: string): string {
  try {
    return decodeURIComponent(raw) || '(empty)';
  } catch {
    return raw.slice(0, 40);
  }
}
