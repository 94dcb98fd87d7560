/** The default length measure: user-visible code points, not UTF-16 units. */
export function countCodePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Splits `text` into parts that each measure at most `limit` including a " (i/n)" suffix,
 * breaking at white space where it can and never inside a surrogate pair.
 * Returns one part unchanged when the text fits.
 */
export function splitText(text: string, limit: number, measure: (t: string) => number = countCodePoints): string[] {
  if (measure(text) <= limit) return [text];
  // The suffix grows with the part count; retry with a wider reserve until it fits.
  for (let reserve = 6; reserve < limit; reserve += 2) {
    const parts = greedySplit(text, limit - reserve, measure);
    const n = parts.length;
    const labelled = parts.map((p, i) => `${p} (${i + 1}/${n})`);
    if (labelled.every((p) => measure(p) <= limit)) return labelled;
  }
  throw new Error(`Cannot split text into parts of at most ${limit}`);
}

function greedySplit(text: string, max: number, measure: (t: string) => number): string[] {
  const words = text.split(/(\s+)/);
  const parts: string[] = [];
  let current = '';
  for (const w of words) {
    if (measure(current + w) <= max) {
      current += w;
      continue;
    }
    if (current.trim()) parts.push(current.trim());
    current = '';
    // A single word longer than a part is cut by code points.
    let rest = w.trim();
    while (measure(rest) > max) {
      const chars = Array.from(rest);
      let take = Math.min(chars.length, max);
      while (take > 1 && measure(chars.slice(0, take).join('')) > max) take--;
      parts.push(chars.slice(0, take).join(''));
      rest = chars.slice(take).join('');
    }
    current = rest;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
