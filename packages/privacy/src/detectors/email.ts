// Email addresses: the shape is the evidence (an '@' between a local part and a dotted domain).
import type { Candidate, Detector } from '../detector.ts';
import { isAlnumAt } from '../text.ts';

// After the '@': labels of letters, digits and inner dashes, then a top-level domain of letters.
const DOMAIN = /(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}[a-z]{2,24}/iy;
const LOCAL_MAX = 64;

function isLocalChar(c: number): boolean {
  // Letters, digits and . _ % + -
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Email address. */
export const emailDetector: Detector = {
  name: 'email',
  needs: 'at',
  context: {
    positive: {
      es: ['correo', 'email', 'e-mail', 'mail', 'escribeme', 'escribidme'],
      en: ['email', 'e-mail', 'mail', 'write to', 'address'],
    },
    demotedByReferenceWords: false,
  },
  find(text, _scan, out: Candidate[]) {
    // From each '@' outwards: a regex tried at every position of the text would be slower.
    for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      let start = at;
      while (start > 0 && at - start < LOCAL_MAX && isLocalChar(text.charCodeAt(start - 1))) start--;
      if (start === at || !isAsciiAlnum(text.charCodeAt(start)) || isLocalChar(text.charCodeAt(start - 1)) || isAlnumAt(text, start - 1))
        continue;
      DOMAIN.lastIndex = at + 1;
      const domain = DOMAIN.exec(text);
      if (!domain) continue;
      const end = at + 1 + domain[0].length;
      if (isAlnumAt(text, end) || text[end] === '@' || text[end] === '-') continue;
      out.push({ type: 'email', start, end, alone: 0.9, withContext: 0.97 });
      at = end - 1;
    }
  },
};
