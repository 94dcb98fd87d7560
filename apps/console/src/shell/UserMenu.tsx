import { Avatar, Menu, UnstyledButton } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { client } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { initials } from '../ui/initials.ts';

export function UserMenu({ me }: { me: Me }) {
  const { t } = useT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = async () => {
    await client.POST('/api/v1/auth/logout').catch(() => undefined);
    queryClient.clear();
    await navigate({ to: '/sign-in' });
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={me.name} data-testid="user-menu">
          <Avatar size="sm" color="indigo" radius="xl">
            {initials(me.name)}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.name}</Menu.Label>
        <Menu.Item onClick={() => void signOut()}>{t('auth.signOut')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
