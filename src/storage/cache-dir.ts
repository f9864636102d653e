import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user's cache directory, under which the persistent storages keep their default files:
 * `$XDG_CACHE_HOME` when that variable holds an absolute path, else `~/.cache`; on Windows
 * `%LOCALAPPDATA%`, else `~\AppData\Local`.
 */
export function userCacheDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return local !== undefined && local !== '' ? local : join(home, 'AppData', 'Local');
  }
  const xdg = env.XDG_CACHE_HOME;
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.cache');
}
