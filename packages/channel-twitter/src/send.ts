import { type ChannelContext, type OutboundMessage, SendError, type SendResult, sendParts, splitText } from '@centralita/channel-kit';
import type { TwitterApi } from 'twitter-api-v2';
import { callX, classify, type XApiFailure } from './client.ts';
import type { TwitterConfig } from './config.ts';
import { AccountStops } from './health.ts';
import type { UsageKindName } from './metering.ts';
import { replyPolicy } from './policy.ts';
import { DM_LIMIT, measureDm, measurePost, POST_LIMIT, splitThread } from './text.ts';

const FIFTEEN_MINUTES = 15 * 60_000;
const DAY = 24 * 60 * 60_000;
/** How long a reply waits when X refused the credentials: someone has to set new ones. */
const CREDENTIALS_WAIT_MS = 30 * 60_000;

export interface SendDeps {
  ctx: ChannelContext;
  config: TwitterConfig;
  user: TwitterApi;
}

/**
 * Delivers one agent reply: publicly as a reply to the customer's latest post (a numbered thread
 * when the agent allowed splitting, each part replying to the one before), or privately as a DM.
 * A reply the tier forbids is refused here too, whatever the host decided earlier: it is never
 * sent. X's stops and caps make the reply wait (retryable, or held), never fail or repeat.
 */
export async function sendReply(deps: SendDeps, message: OutboundMessage): Promise<SendResult> {
  const stop = await new AccountStops(deps.ctx).current();
  if (stop) {
    throw new SendError('x_stopped', stop.reason, {
      retryable: true,
      hold: stop.reason,
      retryAfterMs: stop.until.getTime() - deps.ctx.now().getTime(),
    });
  }
  try {
    return message.visibility === 'public' ? await sendPost(deps, message) : await sendDm(deps, message);
  } catch (err) {
    if (err instanceof SendError) throw err;
    throw await asSendError(deps, classify(err));
  }
}

async function sendPost(deps: SendDeps, message: OutboundMessage): Promise<SendResult> {
  const target = message.target ?? null;
  const decision = replyPolicy({ config: deps.config, visibility: 'public', target, now: deps.ctx.now() });
  if (!decision.allowed || !target) {
    throw new SendError('reply_not_allowed', decision.allowed ? 'There is no post to reply to.' : decision.reason, { retryable: false });
  }
  const length = measurePost(message.text);
  if (length > POST_LIMIT && !message.allowSplit) {
    throw new SendError(
      'text_too_long',
      `X takes ${POST_LIMIT} characters in a post (a link counts 23, an emoji 2); this reply has ${length}. Shorten it or allow a thread.`,
      { retryable: false },
    );
  }
  const parts = splitThread(message.text, POST_LIMIT);
  const summoned = target.metadata.summonsBrand === true;
  // Each part answers the one before, so the thread reads in order under the customer's post.
  const chain = [...(message.sentParts ?? [])];
  const externalIds = await sendParts(message, parts, async (text, i) => {
    const replyTo = i === 0 ? target.externalId : (chain[i - 1] as string);
    const posted = await callX(() => deps.user.v2.reply(text, replyTo));
    chain[i] = posted.data.id;
    await meter(deps.ctx, /https?:\/\//i.test(text) ? 'post_create_url' : summoned && i === 0 ? 'reply_create' : 'post_create');
    return posted.data.id;
  });
  return { externalIds, state: 'sent' };
}

async function sendDm(deps: SendDeps, message: OutboundMessage): Promise<SendResult> {
  const to = message.recipient?.externalId;
  if (!to) throw new SendError('no_recipient', 'The customer has no X user to send a DM to.', { retryable: false });
  const length = measureDm(message.text);
  if (length > DM_LIMIT && !message.allowSplit) {
    throw new SendError(
      'text_too_long',
      `X takes ${DM_LIMIT} characters in a DM; this reply has ${length}. Shorten it or allow splitting it.`,
      {
        retryable: false,
      },
    );
  }
  const parts = splitText(message.text, DM_LIMIT, measureDm);
  const externalIds = await sendParts(message, parts, async (text) => {
    await withinDmCaps(deps, to);
    const sent = await callX(() => deps.user.v2.sendDmToParticipant(to, { text }));
    await meter(deps.ctx, 'dm_create');
    return sent.dm_event_id;
  });
  return { externalIds, state: 'sent' };
}

/**
 * X's DM caps (per recipient per 15 minutes, per app per day), counted across nodes: over
 * either, the reply waits for the window to pass. The outbox runs waiting replies by their
 * conversation's priority, so the most urgent go first when the window opens.
 */
async function withinDmCaps(deps: SendDeps, to: string): Promise<void> {
  const perUser = await deps.ctx.store.hit(`dm-cap:user:${to}`, FIFTEEN_MINUTES);
  if (perUser > deps.config.dmPerUserPer15Min) {
    throw new SendError(
      'dm_cap',
      `X allows ${deps.config.dmPerUserPer15Min} DMs to one person per 15 minutes; this reply waits for the window.`,
      {
        retryable: true,
        retryAfterMs: FIFTEEN_MINUTES / 3,
      },
    );
  }
  const perApp = await deps.ctx.store.hit('dm-cap:app', DAY);
  if (perApp > deps.config.dmPerAppPerDay) {
    throw new SendError(
      'dm_cap',
      `X allows the app ${deps.config.dmPerAppPerDay} DMs per day; this reply waits for the next day's window.`,
      {
        retryable: true,
        retryAfterMs: DAY / 24,
      },
    );
  }
}

async function asSendError(deps: SendDeps, failure: XApiFailure): Promise<SendError> {
  const now = deps.ctx.now().getTime();
  switch (failure.kind) {
    case 'rate_limited':
      return new SendError('rate_limited', `X's rate limit is reached: ${failure.detail}`, {
        retryable: true,
        retryAfterMs: Math.max(1_000, (failure.resetAt?.getTime() ?? now + 60_000) - now),
        cause: failure,
      });
    case 'usage_cap':
    case 'no_credits': {
      const stop = await new AccountStops(deps.ctx).stopFor(failure);
      return new SendError(failure.kind, stop.reason, {
        retryable: true,
        hold: stop.reason,
        retryAfterMs: stop.until.getTime() - now,
        cause: failure,
      });
    }
    case 'unauthorized': {
      const reason = 'X refused the account’s credentials (401): the reply waits until an admin sets new tokens.';
      await deps.ctx.reportState({ state: 'logged_out', detail: reason });
      return new SendError('unauthorized', reason, { retryable: true, hold: reason, retryAfterMs: CREDENTIALS_WAIT_MS, cause: failure });
    }
    case 'unavailable':
      return new SendError('unavailable', `X is unavailable: ${failure.detail}`, { retryable: true, cause: failure });
    default:
      return new SendError('refused', `X refused the reply: ${failure.detail}`, { retryable: false, cause: failure });
  }
}

async function meter(ctx: ChannelContext, kind: UsageKindName): Promise<void> {
  await ctx.usage.record(kind, 1);
}
