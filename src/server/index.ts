// slsk-ts/server: run a Soulseek server from code.

export { SoulseekServer, DATABASE_FILE } from './server.ts';
export type { ServerOptions } from './server.ts';
export { ConfigError, defaultConfig, loadConfigFile, resolveConfig } from './config.ts';
export type { ServerConfig, ServerConfigInput, ServerLimits } from './config.ts';
export { openSqliteStore, SqliteStore } from './store/sqlite-store.ts';
export { AccountExistsError } from './store/store.ts';
export type { Account, ServerStore, StoredPrivateMessage, StoredStats } from './store/store.ts';
export { createLogger, silentLogger } from './log.ts';
export type { Logger } from './log.ts';
