import type { PiiFinding } from './types.ts';

/**
 * Replaces every finding's span with a mask that keeps its length class but none of its
 * characters but the last few: "ES91 2100 …" becomes "•••• •••• •••• 1332" style. Overlapping
 * findings are masked as one.
 */
export function maskText(text: string, findings: readonly PiiFinding[]): string {
  if (findings.length === 0) return text;
  const spans = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const f of spans) {
    const start = Math.max(f.start, at);
    if (f.end <= start) continue;
    out += text.slice(at, start);
    const hidden = text.slice(start, f.end);
    out += hidden.replace(/[\p{L}\p{N}]/gu, '•');
    at = f.end;
  }
  return out + text.slice(at);
}
