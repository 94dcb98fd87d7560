import { describe, expect, it } from 'vitest';
import { normaliseExternalId, planIdentity } from './identity.ts';

const verifiedIdentity = {
  id: 'i1',
  workspaceId: 'w',
  contactId: 'c1',
  kind: 'email',
  externalId: 'ana@example.com',
  verified: true,
  displayName: null,
};

describe('planIdentity', () => {
  it('reuses the contact of a matching channel-proven identity', () => {
    expect(planIdentity({ kind: 'email', externalId: 'ana@example.com', verified: true }, verifiedIdentity)).toEqual({
      action: 'use',
      contactId: 'c1',
      identityId: 'i1',
    });
  });

  it('never attaches a typed-in address to an existing contact', () => {
    expect(planIdentity({ kind: 'email', externalId: 'ana@example.com', verified: false }, verifiedIdentity)).toEqual({
      action: 'create',
      verified: false,
    });
  });

  it('treats email addresses case-insensitively', () => {
    expect(normaliseExternalId('email', ' Ana@Example.COM ')).toBe('ana@example.com');
    expect(normaliseExternalId('twitter', ' 12345 ')).toBe('12345');
  });
});
