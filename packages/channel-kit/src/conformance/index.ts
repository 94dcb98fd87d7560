export { createMemoryContext, createMemoryStore, type MemoryContext } from './memory-context.ts';
export { type ConformanceOptions, type ConformancePeer, type ConformanceSetup, runConformanceSuite } from './suite.ts';
export { waitFor } from './wait.ts';
