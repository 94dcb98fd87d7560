import type { Strings } from './strings.ts';

export const en = {};

export const es: Strings<typeof en> = {};
