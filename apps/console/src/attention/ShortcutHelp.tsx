import { Group, Kbd, Modal, Table } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { SHORTCUTS } from './shortcuts.ts';

/** The shortcut list (?), in the agent's language. */
export function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const { t } = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={t('inbox.shortcuts.title')} size="md">
      <Table>
        <Table.Tbody>
          {SHORTCUTS.map((s) => (
            <Table.Tr key={s.what}>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  {s.keys.map((k) => (
                    <Kbd key={k}>{k}</Kbd>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{t(`inbox.shortcuts.${s.what}`)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}
