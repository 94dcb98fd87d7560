import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { ApiError } from './api/client.ts';
import { meQuery } from './api/queries.ts';
import { ConversationScreen } from './conversation/ConversationScreen.tsx';
import { InboxScreen, inboxSearch, VIEWS } from './inbox/InboxScreen.tsx';
import { NotFound } from './screens/NotFound.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Shell } from './shell/Shell.tsx';

export interface RouterContext {
  queryClient: QueryClient;
}

const root = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const signIn = createRoute({
  getParentRoute: () => root,
  path: '/sign-in',
  validateSearch: (s: Record<string, unknown>): { next?: string } =>
    // Only a path on this site: `next` must never send an agent to another origin after sign-in.
    typeof s.next === 'string' && s.next.startsWith('/') && !s.next.startsWith('//') ? { next: s.next } : {},
  component: SignIn,
});

/** Every screen but sign-in: who is signed in decides, and a 401 sends them to sign in and back. */
const app = createRoute({
  getParentRoute: () => root,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    try {
      return { me: await context.queryClient.ensureQueryData(meQuery) };
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) throw redirect({ to: '/sign-in', search: { next: location.href } });
      throw err;
    }
  },
  component: Shell,
});

const home = createRoute({
  getParentRoute: () => app,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/inbox/$view', params: { view: 'mine' } });
  },
});

const inbox = createRoute({
  getParentRoute: () => app,
  path: '/inbox/$view',
  params: {
    parse: (p: { view: string }) => {
      if (!(VIEWS as readonly string[]).includes(p.view)) throw redirect({ to: '/inbox/$view', params: { view: 'mine' } });
      return { view: p.view as (typeof VIEWS)[number] };
    },
    stringify: (p: { view: string }) => ({ view: p.view }),
  },
  validateSearch: inboxSearch,
  component: InboxScreen,
});

const conversation = createRoute({
  getParentRoute: () => inbox,
  path: '$conversationId',
  component: ConversationScreen,
});

// Supervisor and channel screens load on first visit: an agent's inbox never pays for them.
const getParentRoute = () => app;
const queues = createRoute({
  getParentRoute,
  path: '/supervisor/queues',
  component: lazyRouteComponent(() => import('./supervisor/QueuesScreen.tsx'), 'QueuesScreen'),
});
const agents = createRoute({
  getParentRoute,
  path: '/supervisor/agents',
  component: lazyRouteComponent(() => import('./supervisor/AgentsScreen.tsx'), 'AgentsScreen'),
});
const rules = createRoute({
  getParentRoute,
  path: '/supervisor/rules',
  component: lazyRouteComponent(() => import('./rules/RulesScreen.tsx'), 'RulesScreen'),
});
const canned = createRoute({
  getParentRoute,
  path: '/supervisor/canned',
  component: lazyRouteComponent(() => import('./supervisor/CannedScreen.tsx'), 'CannedScreen'),
});
const channels = createRoute({
  getParentRoute,
  path: '/channels',
  component: lazyRouteComponent(() => import('./channels/ChannelsScreen.tsx'), 'ChannelsScreen'),
});
// One account's own screen, as its channel registered it (channels/screens.ts).
const channelAccount = createRoute({
  getParentRoute,
  path: '/channels/$accountId',
  component: lazyRouteComponent(() => import('./channels/ChannelsScreen.tsx'), 'ChannelAccountScreen'),
});
const incidents = createRoute({
  getParentRoute,
  path: '/incidents',
  component: lazyRouteComponent(() => import('./incidents/IncidentsScreen.tsx'), 'IncidentsScreen'),
});
const incident = createRoute({
  getParentRoute,
  path: '/incidents/$incidentId',
  component: lazyRouteComponent(() => import('./incidents/IncidentScreen.tsx'), 'IncidentScreen'),
});

const routeTree = root.addChildren([
  signIn,
  app.addChildren([home, inbox.addChildren([conversation]), queues, agents, rules, canned, channels, channelAccount, incidents, incident]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: 'intent', scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
