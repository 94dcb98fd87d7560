import { Stack, Switch, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { beep, usePermission, useSoundSetting } from './settings.ts';

/** Inside the header's alert popover: loaded when it first opens. */
export function AlertSettings() {
  const { t } = useT();
  const [sound, setSound] = useSoundSetting();
  const { permission, ask } = usePermission();
  return (
    <Stack gap="sm">
      {permission !== 'unsupported' && (
        <Switch
          label={t('palette.notifications.enabled')}
          checked={permission === 'granted'}
          disabled={permission !== 'default'}
          onChange={() => void ask()}
        />
      )}
      {permission === 'denied' && (
        <Text size="xs" c="dimmed">
          {t('palette.notifications.blocked')}
        </Text>
      )}
      <Switch
        label={t('palette.notifications.sound')}
        checked={sound}
        onChange={(e) => {
          const on = e.currentTarget.checked;
          setSound(on);
          if (on) beep();
        }}
      />
    </Stack>
  );
}
