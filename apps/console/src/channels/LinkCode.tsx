import { Image, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.tsx';
import './strings.ts';

/** What an account waiting to be linked shows (`state.data` of a `linking` report). */
export interface LinkData {
  /** A `data:image/...` URL, such as a QR code. */
  image: string;
  /** When the code stops working (ISO), if the adapter said. */
  expiresAt: string | null;
}

/** The code to scan from a linking report's data, only as an image address that runs nothing. */
export function linkData(data: Record<string, unknown> | null | undefined): LinkData | null {
  const image = data?.image;
  if (typeof image !== 'string' || !/^data:image\/(png|jpeg|gif|webp);base64,/i.test(image)) return null;
  const expiresAt = typeof data?.expiresAt === 'string' && !Number.isNaN(Date.parse(data.expiresAt)) ? data.expiresAt : null;
  return { image, expiresAt };
}

/**
 * The code to scan while an account waits to be linked (WhatsApp Web's QR), with where to scan it
 * on the phone and until when it works. It says when it has expired without waiting for the next
 * report; the adapter's new code replaces it when the accounts are read again.
 */
export function LinkCode({ link, kind }: { link: LinkData; kind: string }) {
  const { t, lang } = useT();
  const expires = link.expiresAt ? new Date(link.expiresAt) : null;
  const [expired, setExpired] = useState(() => expires !== null && expires.getTime() <= Date.now());
  const at = expires?.getTime() ?? null;
  useEffect(() => {
    if (at === null) return;
    const left = at - Date.now();
    setExpired(left <= 0);
    if (left <= 0) return;
    const timer = setTimeout(() => setExpired(true), left);
    return () => clearTimeout(timer);
  }, [at]);
  const caption = kind === 'whatsapp' ? t('channels.link.whatsapp') : t('channels.scanToLink');
  return (
    <Stack component="figure" gap={4} m={0} data-testid="link-code" data-expired={expired}>
      <Image
        src={link.image}
        alt={caption}
        w={200}
        h={200}
        fit="contain"
        opacity={expired ? 0.3 : 1}
        style={{ imageRendering: 'pixelated' }}
        data-testid="link-code-image"
      />
      <Text component="figcaption" size="sm" fw={500}>
        {caption}
      </Text>
      {expires && (
        <Text size="xs" c={expired ? 'orange' : 'dimmed'} data-testid="link-code-expiry">
          {expired
            ? t('channels.link.expired')
            : t('channels.link.validUntil', { when: new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(expires) })}
        </Text>
      )}
    </Stack>
  );
}
