import { checkToken, error, type RouteContext, type Routed } from './route-kit.ts';
import { accountRoutes } from './routes-account.ts';
import { downloadRoute, mediaRoutes } from './routes-media.ts';
import { messageRoutes } from './routes-messages.ts';

/** Finds the route of a request, after the token and the version prefix are checked. */
export function route(ctx: RouteContext, method: string, url: URL, authorization?: string): Routed {
  if (url.pathname === '/whatsapp_business/attachments/' || url.pathname === '/whatsapp_business/attachments') {
    const denied = checkToken(ctx, authorization, url, false);
    if (denied) return { route: 'download', answer: denied };
    return { route: 'download', handle: () => downloadRoute(ctx, url) };
  }
  const denied = checkToken(ctx, authorization, url, true);
  if (denied) return { route: null, answer: denied };
  const segments = url.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  if (segments[0] !== ctx.version)
    return {
      route: null,
      answer: error({ code: 2500, title: `Unknown path components: ${url.pathname} (this Graph API serves ${ctx.version})` }),
    };
  const rest = segments.slice(1);
  const found = messageRoutes(ctx, method, rest) ?? mediaRoutes(ctx, method, rest) ?? accountRoutes(ctx, method, rest, url);
  if (found) return found;
  return { route: null, answer: error({ code: 2500, title: `Unknown path components: /${rest.join('/')}` }) };
}
