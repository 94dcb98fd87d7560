#!/usr/bin/env node
// Runs the TypeScript CLI in this same process through tsx's loader (no build step), so signals
// such as Ctrl+C reach Centralita's own graceful shutdown.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
