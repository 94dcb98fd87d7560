import type { ChannelCapabilities } from './capabilities.ts';
import type { ChannelAdapter } from './contract.ts';

/** The capabilities one account has: the adapter's `capabilitiesFor(config)`, else its `capabilities`. */
export function accountCapabilities<Config>(adapter: ChannelAdapter<Config>, config: Config): ChannelCapabilities {
  return adapter.capabilitiesFor?.(config) ?? adapter.capabilities;
}
