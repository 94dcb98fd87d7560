import { describe, expect, it } from 'vitest';
import { accountCapabilities } from '../account-capabilities.ts';
import { DEFAULT_CAPABILITIES } from '../capabilities.ts';
import { ConfigError } from '../errors.ts';
import { iconProblems } from '../presentation.ts';
import { meteringProblems } from '../usage.ts';
import { createKit } from './kit.ts';
import { modeChecks } from './mode-checks.ts';
import type { ConformanceOptions } from './options.ts';

export type { ConformanceOptions, ConformancePeer, ConformanceSetup } from './options.ts';

/**
 * The checks every channel adapter passes, chosen by its capabilities: receive, dedupe, thread a
 * reply, send, split or refuse, reject a forged signature (signed channels), reject malformed
 * input and go on (push channels), survive a dropped connection and resume from the cursor (pull
 * channels). Call it from the adapter package's own test file.
 */
export function runConformanceSuite<Config>(options: ConformanceOptions<Config>): void {
  const { adapter } = options;
  const declared = adapter.capabilities;
  const modes = Object.entries(options.modes ?? (options.setup ? { default: options.setup } : {}));
  const kit = createKit(options);
  const { cleanups } = kit;

  describe(`channel conformance: ${adapter.kind}`, () => {
    it('declares a stable kind, a display name and every capability', () => {
      expect(adapter.kind).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(adapter.displayName.length).toBeGreaterThan(0);
      for (const key of Object.keys(DEFAULT_CAPABILITIES)) expect(adapter.capabilities).toHaveProperty(key);
      expect(declared.inbound.push || declared.inbound.pull, 'an adapter receives by push or pull').toBe(true);
      expect(modes.length, 'the suite needs `setup` or `modes`').toBeGreaterThan(0);
    });

    it('carries what a console shows: an icon, labels for its secret fields and for its visibilities', () => {
      const p = adapter.presentation;
      expect(p, 'an adapter declares presentation: { icon, fields, visibilities }').toBeDefined();
      expect(iconProblems(p?.icon ?? ''), 'the icon').toEqual([]);
      for (const key of adapter.config.secretKeys) expect(p?.fields[key]?.label, `a label for the secret field ${key}`).toBeTruthy();
      for (const v of declared.visibilities) expect(p?.visibilities[v], `a label for ${v} replies`).toBeTruthy();
    });

    it('declares what it meters, if anything, with a currency, labels and list prices', (t) => {
      if (!adapter.metering) t.skip('the adapter meters nothing');
      else expect(meteringProblems(adapter.metering)).toEqual([]);
    });

    it('refuses an invalid configuration with a ConfigError naming the fields', () => {
      expect(() => adapter.config.parse(42)).toThrow(ConfigError);
    });

    it('parses its example configuration (or {}), with the values it generates', () => {
      // What generic tests of every installed adapter create an account with.
      const raw = { ...adapter.config.generate?.(), ...(adapter.config.example?.() ?? {}) };
      expect(() => adapter.config.parse(raw), 'config.example() (or {}) with config.generate() parses').not.toThrow();
    });

    it('tests every inbound way it declares, each account within what the adapter declares', async () => {
      const seen = { push: false, pull: false };
      for (const [mode, setup] of modes) {
        const s = await setup();
        if (s.teardown) cleanups.push(s.teardown);
        const caps = accountCapabilities(adapter, s.config);
        for (const key of Object.keys(DEFAULT_CAPABILITIES)) expect(caps, mode).toHaveProperty(key);
        expect(caps.inbound.push || caps.inbound.pull, `${mode}: an account receives by push or pull`).toBe(true);
        if (caps.inbound.push) expect(declared.inbound.push, `${mode} takes webhooks; the adapter must declare push`).toBe(true);
        if (caps.inbound.pull) expect(declared.inbound.pull, `${mode} polls; the adapter must declare pull`).toBe(true);
        if (caps.signedWebhooks) expect(declared.signedWebhooks, `${mode} is signed; the adapter must declare it`).toBe(true);
        for (const v of caps.visibilities) expect(declared.visibilities, `${mode} visibilities`).toContain(v);
        seen.push ||= caps.inbound.push;
        seen.pull ||= caps.inbound.pull;
      }
      expect(seen, 'a mode (an entry of `modes`) for each inbound way the adapter declares').toEqual({
        push: declared.inbound.push,
        pull: declared.inbound.pull,
      });
    });

    for (const [mode, setup] of modes) {
      if (modes.length === 1) modeChecks(kit, setup);
      else describe(`mode: ${mode}`, () => modeChecks(kit, setup));
    }
  });
}
