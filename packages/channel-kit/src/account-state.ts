/**
 * What an account's link to its channel is doing, as the adapter sees it:
 * - `connecting`: starting or reconnecting;
 * - `linking`: waiting for a person to link it (a QR code to scan, a consent to give), with `data`;
 * - `ready`: receiving and sending;
 * - `degraded`: working in part, or retrying (a dropped connection, a rate limit, a webhook the
 *   channel marked invalid);
 * - `out_of_credits`: the channel refuses until someone pays (X's 402, WhatsApp's 131042);
 * - `logged_out`: the credentials no longer work (a revoked token, a phone logged out).
 */
export type AccountState = 'connecting' | 'linking' | 'ready' | 'degraded' | 'out_of_credits' | 'logged_out';

/** Every state, in the order a console lists them. */
export const ACCOUNT_STATES: readonly AccountState[] = Object.freeze([
  'connecting',
  'linking',
  'ready',
  'degraded',
  'out_of_credits',
  'logged_out',
]);

/** The longest `detail` the host keeps. */
export const MAX_STATE_DETAIL = 500;

/**
 * One report: the state, a sentence an administrator reads ("Scan the code with the phone of
 * +34 600 000 000", "X answered 402: the app is out of credits"), and for `linking` what the
 * console shows: `image` (a `data:image/...` URL, such as a QR code) and any short values (`code`,
 * `expiresAt`). Never secrets.
 */
export interface AccountStateReport {
  state: AccountState;
  detail: string;
  data?: Record<string, string | number | boolean | null>;
}

/** What is wrong with a report, in words, or an empty list (the host and the conformance suite use it). */
export function stateReportProblems(report: AccountStateReport): string[] {
  const problems: string[] = [];
  if (!ACCOUNT_STATES.includes(report.state)) problems.push(`unknown state ${JSON.stringify(report.state)}`);
  if (typeof report.detail !== 'string' || report.detail.trim().length === 0) problems.push('no detail sentence');
  else if (report.detail.length > MAX_STATE_DETAIL) problems.push(`detail longer than ${MAX_STATE_DETAIL} characters`);
  if (report.data !== undefined) {
    if (typeof report.data !== 'object' || report.data === null || Array.isArray(report.data)) problems.push('data is not an object');
    else
      for (const [k, v] of Object.entries(report.data))
        if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) problems.push(`data.${k} is not a plain value`);
  }
  return problems;
}
