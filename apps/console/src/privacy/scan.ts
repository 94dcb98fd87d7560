import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, client, data } from '../api/client.ts';
import type { PrivacyFinding } from '../api/types.ts';

/** How long the agent's typing pauses before the text is scanned: one request per pause, not per key. */
const PAUSE_MS = 400;

/**
 * What the privacy guard finds in a reply being written (POST /privacy/scan), for public replies
 * only (private ones are where such data belongs): [] while nothing is found or the scan is off.
 * The server scans the reply again when it is sent and has the last word.
 */
export function usePrivacyScan(text: string, enabled: boolean): PrivacyFinding[] {
  const [settled] = useDebouncedValue(text.trim(), PAUSE_MS);
  const on = enabled && settled !== '';
  const scan = useQuery({
    queryKey: ['privacy-scan', settled] as const,
    queryFn: async () =>
      (await data<{ findings: PrivacyFinding[] }>(client.POST('/api/v1/privacy/scan', { body: { text: settled } }))).findings,
    enabled: on,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    retry: false,
    placeholderData: keepPreviousData,
  });
  return on ? (scan.data ?? []) : [];
}

/** The privacy guard's refusal of a public reply (422 with `details.findings`), if the error is one. */
export function privacyRefusal(err: unknown): { message: string; findings: PrivacyFinding[] } | null {
  if (!(err instanceof ApiError) || err.status !== 422) return null;
  const findings = (err.details as unknown as { findings?: PrivacyFinding[] } | null)?.findings;
  return Array.isArray(findings) ? { message: err.message, findings } : null;
}
