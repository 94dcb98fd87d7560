import { Button, Group, Modal, type ModalProps, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
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

/** An editor in a dialog: its fields, then Cancel and Save; Save (or Enter) submits once. */
export function FormModal({
  title,
  size,
  onClose,
  onSubmit,
  pending,
  children,
}: {
  title: string;
  size?: ModalProps['size'];
  onClose: () => void;
  onSubmit: () => void;
  pending: boolean;
  children: ReactNode;
}) {
  return (
    <Modal opened onClose={onClose} title={title} {...(size ? { size } : {})}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <Stack gap="sm">
          {children}
          <FormActions onCancel={onClose} pending={pending} />
        </Stack>
      </form>
    </Modal>
  );
}
