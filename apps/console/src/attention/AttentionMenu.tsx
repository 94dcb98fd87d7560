import { ActionIcon, Alert, Button, Group, Popover, Text } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useT } from '../i18n/index.tsx';
import { useBannerDismissed, usePermission } from './settings.ts';

const AlertSettings = lazy(() => import('./AlertSettings.tsx').then((m) => ({ default: m.AlertSettings })));

function BellIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

/** The header's alert settings: desktop notifications (asked for only on a click) and the sound. */
export function AttentionMenu() {
  const { t } = useT();
  return (
    <Popover position="bottom-end" withinPortal shadow="md" width={280}>
      <Popover.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('palette.notifications.settings')} data-testid="alerts-menu">
          <BellIcon />
        </ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Suspense fallback={null}>
          <AlertSettings />
        </Suspense>
      </Popover.Dropdown>
    </Popover>
  );
}

/** Asks once, politely, whether to turn notifications on; never the browser's prompt on load. */
export function NotificationBanner() {
  const { t } = useT();
  const [dismissed, setDismissed] = useBannerDismissed();
  const { permission, ask } = usePermission();
  if (dismissed || permission !== 'default') return null;
  return (
    <Alert variant="light" py={6} px="sm" radius={0} withCloseButton closeButtonLabel={t('app.close')} onClose={() => setDismissed(true)}>
      <Group gap="sm" wrap="wrap">
        <Text size="sm" style={{ flex: 1, minWidth: 180 }}>
          {t('palette.notifications.banner')}
        </Text>
        <Group gap={6}>
          <Button size="compact-xs" onClick={() => void ask()}>
            {t('palette.notifications.turnOn')}
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={() => setDismissed(true)}>
            {t('palette.notifications.notNow')}
          </Button>
        </Group>
      </Group>
    </Alert>
  );
}
