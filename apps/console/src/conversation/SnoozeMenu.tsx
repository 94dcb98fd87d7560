import { Button, Group, Menu, Modal, Stack, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useT } from '../i18n/index.tsx';

/** The presets, computed from now in the agent's own clock. */
export function snoozePresets(now: Date): { key: 'hour' | 'evening' | 'tomorrow' | 'nextWeek'; until: Date }[] {
  const at = (days: number, hour: number) => {
    const d = new Date(now);
    d.setDate(d.getDate() + days);
    d.setHours(hour, 0, 0, 0);
    return d;
  };
  const presets: { key: 'hour' | 'evening' | 'tomorrow' | 'nextWeek'; until: Date }[] = [
    { key: 'hour', until: new Date(now.getTime() + 60 * 60_000) },
  ];
  // "This evening" only while there is an evening left worth waiting for.
  if (now.getHours() < 17) presets.push({ key: 'evening', until: at(0, 18) });
  presets.push({ key: 'tomorrow', until: at(1, 9) });
  // Next Monday at 9:00 (a week on from a Monday).
  const toMonday = (8 - now.getDay()) % 7 || 7;
  presets.push({ key: 'nextWeek', until: at(toMonday, 9) });
  return presets;
}

/** Snooze until a preset time or a chosen one; the conversation comes back when it is due or the customer writes. */
export function SnoozeMenu({ onSnooze, disabled }: { onSnooze: (until: Date) => void; disabled?: boolean }) {
  const { t, lang } = useT();
  const [opened, { open, close }] = useDisclosure(false);
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const format = new Intl.DateTimeFormat(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const submit = () => {
    const until = new Date(custom);
    if (!custom || Number.isNaN(until.getTime())) return setError(t('conversation.snooze.invalid'));
    if (until.getTime() <= Date.now()) return setError(t('conversation.snooze.past'));
    onSnooze(until);
    close();
  };
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" size="xs" disabled={disabled}>
            {t('conversation.snooze.button')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('conversation.snooze.until')}</Menu.Label>
          {snoozePresets(new Date()).map((p) => (
            <Menu.Item key={p.key} onClick={() => onSnooze(p.until)} rightSection={format.format(p.until)}>
              {t(`conversation.snooze.${p.key}`)}
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item onClick={open}>{t('conversation.snooze.custom')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={opened} onClose={close} title={t('conversation.snooze.customTitle')}>
        <Stack>
          <TextInput
            type="datetime-local"
            label={t('conversation.snooze.customLabel')}
            value={custom}
            onChange={(e) => {
              setCustom(e.currentTarget.value);
              setError(null);
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('app.cancel')}
            </Button>
            <Button onClick={submit}>{t('conversation.snooze.confirm')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
