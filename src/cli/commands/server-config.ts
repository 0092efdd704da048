// The settings `slsk server` and `slsk server user` run with: the defaults, then the JSON config
// file, then the command-line options.

import { ConfigError, loadConfigFile, resolveConfig, type ServerConfig, type ServerConfigInput } from '../../server/config.ts';

/**
 * The file over the defaults, then the options over both. The file is checked on its own first
 * so a bad value in it is reported as the file's, with its path.
 */
export function settingsFrom(configFile: string | undefined, overrides: ServerConfigInput): ServerConfig {
  if (configFile === undefined) return resolveConfig(overrides);
  const fromFile = loadConfigFile(configFile);
  try {
    resolveConfig(fromFile);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`in the config file ${configFile}: ${error.message}`);
    throw error;
  }
  return resolveConfig(fromFile, overrides);
}

