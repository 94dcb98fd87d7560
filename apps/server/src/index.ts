export { installedAdapters } from './adapters.ts';
export { type Centralita, type CentralitaOptions, createCentralita, VERSION } from './app.ts';
export { type BootstrapResult, bootstrapInstallation } from './bootstrap.ts';
export { type Env, readEnv } from './config.ts';
export type { AppContext } from './context.ts';
export { hashPassword, hashToken, parseSecretKey } from './crypto.ts';
export { DEMO_PASSWORD, DEMO_USERS, type DemoInfo, seedDemo } from './demo.ts';
export { type AppLogger, createLogger } from './logger.ts';
