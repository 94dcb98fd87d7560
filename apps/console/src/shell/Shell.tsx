import { AppShell, Badge, Burger, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { Outlet, useRouterState } from '@tanstack/react-router';
import { countsQuery, meQuery } from '../api/queries.ts';
import type { Me } from '../api/types.ts';
import { Attention } from '../attention/Attention.tsx';
import { AttentionMenu, NotificationBanner } from '../attention/AttentionMenu.tsx';
import { useT } from '../i18n/index.tsx';
import { VIEWS } from '../inbox/InboxScreen.tsx';
import { IncidentLive } from '../incidents/live.tsx';
import { LiveProvider, useLive } from '../live/live.tsx';
import { PaletteLauncher } from '../palette/Launcher.tsx';
import { AnchorTo, NavLinkTo } from '../ui/links.tsx';
import { BudgetBanner } from './BudgetBanner.tsx';
import { LanguagePicker } from './LanguagePicker.tsx';
import { MyStatus } from './MyStatus.tsx';
import { UserMenu } from './UserMenu.tsx';

/** The signed-in frame of every screen: header, navigation (a drawer below 768 px) and the screen. */
export function Shell() {
  // The app route's beforeLoad fetched it: this never suspends.
  const me = useSuspenseQuery(meQuery).data;
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <LiveProvider>
      <Attention me={me} />
      <IncidentLive me={me} />
      <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0}>
        <AppShell.Header>
          <Header me={me} opened={opened} toggle={toggle} />
        </AppShell.Header>
        <AppShell.Navbar p="xs" onClick={close}>
          <Navigation me={me} />
        </AppShell.Navbar>
        <AppShell.Main className="main">
          <BudgetBanner me={me} />
          <NotificationBanner />
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </LiveProvider>
  );
}

function Header({ me, opened, toggle }: { me: Me; opened: boolean; toggle: () => void }) {
  const { t } = useT();
  const { connected, socket } = useLive();
  return (
    <Group h="100%" px="sm" gap="sm" wrap="nowrap">
      <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('app.menu')} />
      <AnchorTo to="/" fw={700} c="inherit" underline="never">
        {t('app.name')}
      </AnchorTo>
      <div style={{ flex: 1 }} />
      <PaletteLauncher me={me} />
      {socket && !connected && (
        <Badge color="yellow" variant="light" role="status" title={t('app.offlineHint')}>
          {t('app.reconnecting')}
        </Badge>
      )}
      <MyStatus me={me} />
      <Group visibleFrom="xs" gap="xs">
        <LanguagePicker />
      </Group>
      <AttentionMenu />
      <UserMenu me={me} />
    </Group>
  );
}

const VIEW_LABEL = { mine: 'nav.mine', unassigned: 'nav.unassigned', teams: 'nav.teams', all: 'nav.all' } as const;

function Navigation({ me }: { me: Me }) {
  const { t } = useT();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const counts = useQuery(countsQuery).data;
  const supervisor = me.role !== 'agent';
  const count = (view: (typeof VIEWS)[number]) => {
    if (!counts) return null;
    return counts.open[view];
  };
  return (
    <ScrollArea component="nav" aria-label={t('nav.main')}>
      <Stack gap={2}>
        <Text size="xs" c="dimmed" fw={600} px="xs" pt="xs">
          {t('nav.inbox')}
        </Text>
        {VIEWS.map((view) => (
          <NavLinkTo
            key={view}
            to="/inbox/$view"
            params={{ view }}
            label={t(VIEW_LABEL[view])}
            active={path.startsWith(`/inbox/${view}`)}
            data-testid={`view-${view}`}
            rightSection={count(view) ? <Badge size="sm">{count(view)}</Badge> : null}
          />
        ))}
        <NavLinkTo to="/incidents" label={t('incidents.nav')} active={path.startsWith('/incidents')} data-testid="nav-incidents" />
        {supervisor && (
          <>
            <Text size="xs" c="dimmed" fw={600} px="xs" pt="md">
              {t('nav.supervisor')}
            </Text>
            <NavLinkTo to="/supervisor/queues" label={t('nav.queues')} active={path === '/supervisor/queues'} />
            <NavLinkTo to="/supervisor/agents" label={t('nav.agents')} active={path === '/supervisor/agents'} />
            <NavLinkTo to="/supervisor/rules" label={t('nav.rules')} active={path === '/supervisor/rules'} />
            <NavLinkTo to="/supervisor/canned" label={t('nav.canned')} active={path === '/supervisor/canned'} />
            <NavLinkTo to="/channels" label={t('nav.channels')} active={path.startsWith('/channels')} />
          </>
        )}
        <Group hiddenFrom="xs" p="xs">
          <LanguagePicker />
        </Group>
      </Stack>
    </ScrollArea>
  );
}
