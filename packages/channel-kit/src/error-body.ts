/**
 * The one error envelope Centralita answers with, on its API and on adapters' webhooks alike:
 * `{ error: { code, message, details? } }`.
 */
export function errorBody(
  code: string,
  message: string,
  details?: unknown,
): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
