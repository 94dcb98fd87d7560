import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { ChannelScreenProps } from './screen-props.ts';

export type { ChannelScreenProps };

export type ChannelScreen = LazyExoticComponent<ComponentType<ChannelScreenProps>>;

/**
 * Channel kinds with a screen of their own, shown at /channels/<account id>. Each is imported on
 * first visit, so neither the inbox nor the other channels pay for it. To add one (docs/console.md,
 * "How a channel adds its own screen"): write src/channels/<kind>/<Kind>Screen.tsx with a default
 * export taking ChannelScreenProps, and add a line here.
 */
export const CHANNEL_SCREENS: Readonly<Record<string, ChannelScreen>> = {
  webform: lazy(() => import('./webform/WebformScreen.tsx')),
  twitter: lazy(() => import('./twitter/TwitterScreen.tsx')),
};

/** For kinds without a screen of their own: state, webhook address and labelled settings. */
export const DefaultChannelScreen: ChannelScreen = lazy(() => import('./DefaultChannelScreen.tsx'));

export function screenFor(kind: string): ChannelScreen {
  return CHANNEL_SCREENS[kind] ?? DefaultChannelScreen;
}
