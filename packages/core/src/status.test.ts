import { describe, expect, it } from 'vitest';
import { CentralitaError } from './errors.ts';
import { applyStatusAction } from './status.ts';

const now = new Date('2026-11-24T12:00:00Z');
const open = { status: 'open' as const, snoozedUntil: null, resolvedAt: null };

describe('applyStatusAction', () => {
  it('resolves an open conversation and stamps the time', () => {
    expect(applyStatusAction(open, { type: 'resolve' }, now)).toEqual({ status: 'resolved', snoozedUntil: null, resolvedAt: now });
  });

  it('refuses to resolve twice, saying why', () => {
    const resolved = { status: 'resolved' as const, snoozedUntil: null, resolvedAt: now };
    expect(() => applyStatusAction(resolved, { type: 'resolve' }, now)).toThrow(/already resolved/);
    expect(() => applyStatusAction(resolved, { type: 'resolve' }, now)).toThrow(CentralitaError);
  });

  it('snoozes only until a future time', () => {
    const until = new Date(now.getTime() + 3_600_000);
    expect(applyStatusAction(open, { type: 'snooze', until }, now)).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    expect(() => applyStatusAction(open, { type: 'snooze', until: now }, now)).toThrow(/future/);
  });

  it('wakes a snoozed conversation only once its time has come', () => {
    const snoozed = { status: 'snoozed' as const, snoozedUntil: new Date(now.getTime() + 1000), resolvedAt: null };
    expect(() => applyStatusAction(snoozed, { type: 'wake' }, now)).toThrow(/runs until/);
    expect(applyStatusAction(snoozed, { type: 'wake' }, new Date(now.getTime() + 1000))).toMatchObject({ status: 'open' });
  });

  it('reopens a resolved conversation and clears the resolution', () => {
    const resolved = { status: 'resolved' as const, snoozedUntil: null, resolvedAt: now };
    expect(applyStatusAction(resolved, { type: 'reopen' }, now)).toEqual({ status: 'open', snoozedUntil: null, resolvedAt: null });
    expect(() => applyStatusAction(open, { type: 'reopen' }, now)).toThrow(/already open/);
  });
});
