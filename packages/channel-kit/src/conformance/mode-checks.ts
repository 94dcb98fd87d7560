import { inboundChecks } from './inbound-checks.ts';
import { type ConformanceKit, forMode, type ModeSetup } from './kit.ts';
import { pollingChecks } from './polling-checks.ts';
import { sendingChecks } from './sending-checks.ts';
import { webhookChecks } from './webhook-checks.ts';

/** The checks one kind of account passes, each skipped when its capabilities do not call for it. */
export function modeChecks<Config>(kit: ConformanceKit<Config>, setup: ModeSetup<Config>): void {
  const mode = forMode(kit, setup);
  inboundChecks(mode);
  sendingChecks(mode);
  webhookChecks(mode);
  pollingChecks(mode);
}
