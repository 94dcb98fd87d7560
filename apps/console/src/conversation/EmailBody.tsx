import { Button, Stack } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useT } from '../i18n/index.tsx';

/**
 * Email HTML, already sanitised by the server, shown in a sandboxed frame with no scripts and no
 * same-origin access: a second wall if anything slipped through. Remote images stay blocked
 * (their address is in data-remote-src) until the agent chooses to load them, so opening a
 * message never tells a tracker it was read.
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
    return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${body}</body></html>`;
  }, [html, images]);
  return (
    <Stack gap="xs">
      <iframe
        title={t('conversation.message.emailFrame')}
        className="email-frame"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        srcDoc={doc}
        referrerPolicy="no-referrer"
      />
      {remote && !images && (
        <Button size="compact-xs" variant="default" onClick={() => setImages(true)} w="fit-content">
          {t('conversation.message.showImages')}
        </Button>
      )}
    </Stack>
  );
}
