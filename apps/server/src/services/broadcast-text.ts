import { CentralitaError } from '@centralita/core';

// What each recipient of a broadcast reads (docs/incidents.md, "Text variation"): one of the
// texts, chosen by the conversation so a retry picks the same one, with its placeholders filled.

/** The placeholders a broadcast text may use. */
export const PLACEHOLDERS = ['name', 'ref', 'status'] as const;

const PLACEHOLDER = /\{([A-Za-z_]+)\}/g;

/** What fills a recipient's placeholders. */
export interface TextFacts {
  /** The customer's display name or handle; null when we know none. */
  name: string | null;
  /** The incident number and this recipient's counter: `INC-7·42`. */
  ref: string;
  /** The incident's public status text. */
  status: string;
}

/** `INC-7·42`: unique per message of an incident, so no two replies of one broadcast are identical. */
export function recipientRef(incidentNumber: number, counter: number): string {
  return `INC-${incidentNumber}·${counter}`;
}

/**
 * FNV-1a over the conversation id: the same conversation always gets the same variant (a fan-out
 * chunk retried after a crash writes what the first try would have), and variants spread evenly.
 */
export function variantIndex(conversationId: string, count: number): number {
  if (count <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < conversationId.length; i++) {
    h ^= conversationId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % count;
}

/** The texts of a broadcast in order: the text is variant 0. */
export function textsOf(input: { text: string; variants?: readonly string[] | undefined }): string[] {
  return [input.text, ...(input.variants ?? [])];
}

/**
 * Refuses placeholders nobody fills (`{nombre}`), naming the field, so a typo is not sent to
 * thousands of customers as it was written.
 */
export function checkPlaceholders(input: { text: string; variants?: readonly string[] | undefined }): void {
  textsOf(input).forEach((text, i) => {
    const unknown = [...text.matchAll(PLACEHOLDER)]
      .map((m) => m[1] as string)
      .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      const field = i === 0 ? 'text' : `variants.${i - 1}`;
      const message = `${field}: {${unknown[0]}} is not a placeholder; use {name}, {ref} or {status}.`;
      throw new CentralitaError('validation_failed', message, [{ field, message }]);
    }
  });
}

/**
 * Fills a variant for one recipient. With `unique` (a channel that refuses identical posts, X's
 * public replies), a variant without `{ref}` gets ` · INC-7·42` appended: names repeat, refs do not.
 * A missing name takes the space before it along ("Hola {name}," reads "Hola,").
 */
export function renderText(variant: string, facts: TextFacts, options: { unique: boolean }): string {
  const name = facts.name?.trim() ?? '';
  let text = name ? variant.replaceAll('{name}', name) : variant.replace(/ ?\{name\}/g, '');
  text = text.replaceAll('{ref}', facts.ref).replaceAll('{status}', facts.status.trim());
  if (options.unique && !variant.includes('{ref}')) text = `${text.trimEnd()} · ${facts.ref}`;
  return text;
}

/** The text a recipient reads: its variant, filled. */
export function recipientText(
  input: { text: string; variants?: readonly string[] | undefined },
  conversationId: string,
  facts: TextFacts,
  options: { unique: boolean },
): string {
  const texts = textsOf(input);
  return renderText(texts[variantIndex(conversationId, texts.length)] as string, facts, options);
}

/** A template's parameter values with the same placeholders filled, for templates that carry the status. */
export function renderParameters(parameters: Record<string, string>, facts: TextFacts): Record<string, string> {
  return Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, renderText(v, facts, { unique: false })]));
}
