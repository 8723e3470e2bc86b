// Where Loupe keeps the user's history when no folder is given: the platform's per-user data
// folder (Electron passes its own userData folder instead).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LOUPE_DATA_DIR) return env.LOUPE_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Loupe');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Loupe');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'loupe');
}

export const historyFile = (dataDir: string) => join(dataDir, 'history.sqlite');
