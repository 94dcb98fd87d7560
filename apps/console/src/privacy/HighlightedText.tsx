import type { ReactNode } from 'react';
import type { PrivacyFinding } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

/**
 * A message's text with what the privacy guard found in it marked, so the agent sees where the
 * DNI is (masked as the server sent it, •••, for readers without pii.view). Offsets are UTF-16
 * into the same text; a finding that does not fit it is left out rather than drawn wrong.
 */
export function HighlightedText({ text, findings }: { text: string; findings: readonly PrivacyFinding[] | undefined }) {
  const { t } = useT();
  const spans = [...(findings ?? [])]
    .filter((f) => f.start >= 0 && f.end <= text.length && f.end > f.start)
    .sort((a, b) => a.start - b.start);
  if (spans.length === 0) return <>{text}</>;
  const out: ReactNode[] = [];
  let at = 0;
  for (const f of spans) {
    if (f.start < at) continue; // overlapping: the first one drawn covers it
    if (f.start > at) out.push(text.slice(at, f.start));
    out.push(
      <mark key={f.start} className="pii-mark" title={t(`privacy.names.${f.type}`)} data-testid="pii-mark" data-type={f.type}>
        {text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  }
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}
