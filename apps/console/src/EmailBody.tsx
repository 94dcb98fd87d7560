import { useMemo, useState } from 'react';
import { useT } from './i18n.tsx';

/**
 * Email HTML, already sanitised by the server, shown in a sandboxed frame with no scripts and no
 * same-origin access: a second wall if anything slipped through. Remote images stay blocked
 * (their address is in data-remote-src) until the agent chooses to load them.
 */
export function EmailBody({ html }: { html: string }) {
  const { t } = useT();
  const [images, setImages] = useState(false);
  const remote = html.includes('data-remote-src');
  const doc = useMemo(() => {
    let body = html;
    if (images) {
      const parsed = new DOMParser().parseFromString(html, 'text/html');
      for (const img of parsed.querySelectorAll('img[data-remote-src]')) {
        const src = img.getAttribute('data-remote-src') ?? '';
        if (/^https:\/\//i.test(src)) img.setAttribute('src', src);
      }
      body = parsed.body.innerHTML;
    }
    return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}img{max-width:100%}</style></head><body>${body}</body></html>`;
  }, [html, images]);
  return (
    <div className="email">
      <iframe title="email" sandbox="allow-popups allow-popups-to-escape-sandbox" srcDoc={doc} referrerPolicy="no-referrer" />
      {remote && !images && (
        <button type="button" onClick={() => setImages(true)}>
          {t('showImages')}
        </button>
      )}
    </div>
  );
}
