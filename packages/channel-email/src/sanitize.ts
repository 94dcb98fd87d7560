import sanitizeHtml from 'sanitize-html';

/**
 * Makes email HTML safe to show in the console: no scripts, styles, event handlers, forms or
 * frames; links only to http(s) and mailto, opening in a new tab without a referrer. Remote images
 * are held back (their address moves to `data-remote-src`, so a tracking pixel learns nothing
 * until an agent chooses to load images), and `cid:` images become `data-cid`, which the console
 * points at the stored attachment.
 */
export function sanitiseEmailHtml(html: string): { html: string; remoteImages: number } {
  let remoteImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span', 'font', 'center'],
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['alt', 'title', 'width', 'height', 'data-remote-src', 'data-cid'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['width', 'cellpadding', 'cellspacing', 'border'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
      }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const next: Record<string, string> = {};
        for (const k of ['alt', 'title', 'width', 'height']) if (attribs[k]) next[k] = attribs[k] as string;
        if (/^https?:\/\//i.test(src)) {
          remoteImages++;
          next['data-remote-src'] = src;
        } else if (/^cid:/i.test(src)) {
          next['data-cid'] = src.slice(4).replace(/^<|>$/g, '');
        }
        return { tagName, attribs: next };
      },
    },
  });
  return { html: clean, remoteImages };
}
