export { type CallOutResult, callOut } from './call-out.ts';
export { DEFAULT_FUZZ_SEED, type FuzzParameters, fuzzParameters, fuzzTimeout } from './fuzz.ts';
export { eventProblems, hostileMutations, type Mutation } from './hostile.ts';
export { type JsonPath, jsonPaths, replacedAt } from './json-paths.ts';
export { createMemoryContext, createMemoryStore, type LogLine, type MemoryContext, type MemoryStore } from './memory-context.ts';
export { createMemoryMeter, type MemoryMeter, type UsageRecord } from './memory-meter.ts';
export { runAccountStoreSuite } from './store-suite.ts';
export { type ConformanceOptions, type ConformancePeer, type ConformanceSetup, runConformanceSuite } from './suite.ts';
export { waitFor } from './wait.ts';
