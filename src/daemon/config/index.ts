// The daemon's settings. At start: loadDaemonConfig → ensureWebPassword (print the password it returns, once)
// → ensureLocalToken + withLocalToken → httpOptionsFromConfig. While running: redactConfig to show them,
// validateConfigPatch to change them.

export { DaemonConfigSchema, LOG_LEVELS, type DaemonConfig, type SettingMeta } from './schema.ts';
export { SETTINGS, envName, type Setting } from './schema-walk.ts';
export type { Source, Sources } from './validate.ts';
export { CONFIG_ENV, CONFIG_FLAG, ENV_ALIASES, FLAG_ALIASES, SHARE_FLAG } from './inputs.ts';
export { CONFIG_FILE_NAME, DaemonConfigError, loadDaemonConfig, type LoadDaemonConfigOptions, type LoadedDaemonConfig, type ResolvedDaemonConfig } from './load.ts';
export { RUNTIME_SETTINGS, httpOptionsFromConfig, redactConfig, secretSettingNames, validateConfigPatch, type PatchResult } from './runtime.ts';
export { AUTH_FILE_NAME, DEFAULT_WEB_USERNAME, TOKEN_FILE_NAME, ensureLocalToken, ensureWebPassword, withLocalToken, type WebPassword } from './first-start.ts';
export { defaultDataDir } from './data-dir.ts';
