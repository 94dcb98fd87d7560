import { Button, Group, Modal, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';

/** "Delete this?" with Cancel and a red Delete, for any list an editor removes things from. */
export function ConfirmDeleteModal({
  opened,
  onClose,
  title,
  message,
  pending,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  message: string;
  pending: boolean;
  onConfirm: () => void;
}) {
  const { t } = useT();
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Text size="sm">{message}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('app.cancel')}
        </Button>
        <Button color="red" loading={pending} onClick={onConfirm}>
          {t('app.delete')}
        </Button>
      </Group>
    </Modal>
  );
}

/** A form's Cancel and Save, Save submitting the form. */
export function FormActions({ onCancel, pending }: { onCancel: () => void; pending: boolean }) {
  const { t } = useT();
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {t('app.cancel')}
      </Button>
      <Button type="submit" loading={pending}>
        {t('app.save')}
      </Button>
    </Group>
  );
}
