import { REPLY_ALLOWED, type ReplyAlternative, type ReplyDecision, type ReplyQuestion } from '@centralita/channel-kit';
import type { TwitterConfig } from './config.ts';

/** What the channel kept about a customer's post when it arrived (see parse/post.ts). */
interface PostFacts {
  summonsBrand?: unknown;
  url?: unknown;
  authorAcceptsDms?: unknown;
}

/**
 * X's reply rule since February 2026: a self-serve app may reply publicly only to a post that
 * @mentioned the brand or quoted one of its posts; Enterprise may reply to any. Whether a reply
 * inside a thread the brand started counts is not documented, so only a post whose own entities
 * show the summons is allowed: when in doubt, no. DMs are not limited by the tier.
 */
export function replyPolicy({ config, visibility, target }: ReplyQuestion<TwitterConfig>): ReplyDecision {
  if (visibility !== 'public') return REPLY_ALLOWED;
  if (!target) {
    return {
      allowed: false,
      reason: 'The customer has no public post here to reply to: answer by DM instead.',
      code: 'no_public_post',
      alternatives: dmAlternative(true),
    };
  }
  if (config.tier === 'enterprise') return REPLY_ALLOWED;
  const facts = target.metadata as PostFacts;
  if (facts.summonsBrand === true) return REPLY_ALLOWED;
  const alternatives: ReplyAlternative[] = [...dmAlternative(facts.authorAcceptsDms !== false)];
  if (typeof facts.url === 'string' && facts.url.startsWith('https://x.com/')) {
    alternatives.push({ kind: 'open_external', url: facts.url, label: 'Open the post in X and answer there' });
  }
  alternatives.push({ kind: 'handoff', label: 'Move the conversation to another channel' });
  return {
    allowed: false,
    reason:
      'On a self-serve X tier the API may reply publicly only to posts that @mention the brand or quote one of its posts, and this post does neither.',
    code: 'not_summoned',
    alternatives,
  };
}

function dmAlternative(acceptsDms: boolean): ReplyAlternative[] {
  return acceptsDms ? [{ kind: 'visibility', visibility: 'private', label: 'Send it as a DM' }] : [];
}
