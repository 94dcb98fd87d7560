import { afterAll, beforeAll, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';

// What the global setup hands every test file (see global-setup.ts).
declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * Gives the calling test file a fresh, migrated database of its own for all its tests, dropped
 * afterwards. Read `.current` inside tests (it is set in beforeAll).
 */
export function useTestDatabase(): { current: TestDatabase } {
  const holder = {} as { current: TestDatabase };
  beforeAll(async () => {
    holder.current = await createTestDatabase(inject('pgAdminUrl'), inject('pgTemplate'));
  });
  afterAll(async () => {
    await holder.current?.drop();
  });
  return holder;
}
