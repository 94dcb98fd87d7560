/** One or two capital letters for an avatar: "Ana García" → "AG", "ana@example.com" → "A". */
export function initials(name: string | null | undefined): string {
  const words = (name ?? '')
    .replace(/@.*$/, '')
    .split(/[\s._-]+/u)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters.map((w) => [...(w ?? '')][0]?.toLocaleUpperCase() ?? '').join('') || '?';
}
