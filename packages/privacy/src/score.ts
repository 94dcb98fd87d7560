import { PII_TYPES, type PiiType } from './types.ts';

/** A span a person marked as personal data of a type. */
export interface LabelledSpan {
  type: PiiType;
  start: number;
  end: number;
}

/** One scored text: what it holds (labels) and what the scanner found. */
export interface ScoredText {
  labels: readonly LabelledSpan[];
  findings: readonly LabelledSpan[];
}

/** Counts and rates for one type (or all of them). */
export interface TypeScore {
  labels: number;
  findings: number;
  /** Findings that match a label (each label matched once, so also the labels found). */
  truePositives: number;
  /** truePositives / findings; 1 when nothing was found (no finding was wrong). */
  precision: number;
  /** truePositives / labels; 1 when nothing was labelled. */
  recall: number;
}

export interface Score {
  byType: Record<PiiType, TypeScore>;
  overall: TypeScore;
}

/**
 * Whether a finding matches a label: the same type, and overlapping at least half of the
 * labelled span (so "12345678" found inside "12345678Z" counts, two characters of it do not).
 */
export function matches(finding: LabelledSpan, label: LabelledSpan): boolean {
  if (finding.type !== label.type) return false;
  const overlap = Math.min(finding.end, label.end) - Math.max(finding.start, label.start);
  return overlap > 0 && overlap * 2 >= label.end - label.start;
}

function rates(labels: number, findings: number, truePositives: number): TypeScore {
  return {
    labels,
    findings,
    truePositives,
    precision: findings === 0 ? 1 : truePositives / findings,
    recall: labels === 0 ? 1 : truePositives / labels,
  };
}

/**
 * Scores findings against labels per finding span: each finding matches at most one label and
 * each label at most one finding (the first that matches, in text order).
 */
export function scoreFindings(texts: Iterable<ScoredText>): Score {
  const counts = new Map<PiiType, { labels: number; findings: number; tp: number }>();
  for (const t of PII_TYPES) counts.set(t, { labels: 0, findings: 0, tp: 0 });
  for (const text of texts) {
    const used = new Set<number>();
    for (const label of text.labels) (counts.get(label.type) as { labels: number }).labels++;
    for (const finding of text.findings) {
      const c = counts.get(finding.type) as { findings: number; tp: number };
      c.findings++;
      const at = text.labels.findIndex((label, i) => !used.has(i) && matches(finding, label));
      if (at >= 0) {
        used.add(at);
        c.tp++;
      }
    }
  }
  const byType = {} as Record<PiiType, TypeScore>;
  let labels = 0;
  let findings = 0;
  let tp = 0;
  for (const [type, c] of counts) {
    byType[type] = rates(c.labels, c.findings, c.tp);
    labels += c.labels;
    findings += c.findings;
    tp += c.tp;
  }
  return { byType, overall: rates(labels, findings, tp) };
}
