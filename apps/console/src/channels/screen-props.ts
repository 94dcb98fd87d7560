import type { ChannelAccount } from '../api/types.ts';
import type { LocalKind } from './names.ts';

/**
 * What a channel's own screen gets: the account (its settings, secrets as set or not, the state
 * its adapter last reported) and its kind as GET /channel-kinds describes it, in the console's
 * language (`kind.source` is the raw description). Null when this server lacks the adapter.
 */
export interface ChannelScreenProps {
  account: ChannelAccount;
  kind: LocalKind | null;
}
