import { Button, Group, Modal, Text } from '@mantine/core';
import { useT } from '../i18n/index.tsx';

/** The step before replying in a conversation a colleague holds: two agents answering at once confuses the customer. */
export function ColleagueWarning(props: {
  name: string | null;
  channel: string | null;
  opened: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useT();
  return (
    <Modal opened={props.opened} onClose={props.onCancel} title={t('conversation.composer.colleague.title')} centered>
      <Text size="sm">{t('conversation.composer.colleague.body', { name: props.name ?? '' })}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={props.onCancel}>
          {t('app.cancel')}
        </Button>
        <Button color="orange" onClick={props.onConfirm} data-autofocus>
          {t('conversation.composer.colleague.confirm')}
        </Button>
      </Group>
    </Modal>
  );
}
