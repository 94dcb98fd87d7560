import { useEffect, useRef, useState } from 'react';
import { client, data } from '../api/client.ts';
import type { RuleIssue, RuleSetDocument } from '../api/types.ts';
import { canonical, type EditorRule, type PlacedIssue, place } from './model.ts';

/**
 * Checks the document with POST /routing/rules/validate a moment after each change. Each answer
 * replaces the last one whole (never merged), and one that arrives after a newer change is dropped,
 * so no problem outlives the text it was about.
 */
export function useValidation(document: RuleSetDocument, rules: EditorRule[]): { issues: PlacedIssue[]; checking: boolean } {
  const text = canonical(document);
  const [result, setResult] = useState<{ text: string; issues: PlacedIssue[] }>({ text: '', issues: [] });
  const latest = useRef(text);
  latest.current = text;
  const ruleKeys = rules.map((r) => r.key);
  const keysRef = useRef(ruleKeys);
  keysRef.current = ruleKeys;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the canonical text stands for the document
  useEffect(() => {
    const keys = keysRef.current;
    const timer = setTimeout(async () => {
      try {
        const out = await data<{ valid: boolean; issues: RuleIssue[] }>(
          client.POST('/api/v1/routing/rules/validate', { body: { document: document as Record<string, unknown> } }),
        );
        if (latest.current === text) setResult({ text, issues: place(out.issues, keys) });
      } catch {
        // A failed check says nothing about the rules; the next change checks again.
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [text]);

  return { issues: result.issues, checking: result.text !== text };
}
