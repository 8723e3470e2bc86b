// The user's choices that outlive a session (default stack and mode, preview view and viewport, theme),
// kept in the browser's storage; anything unreadable there falls back to the defaults.
import { z } from 'zod';
import { MODES, STACK_NAMES } from '../../engine/api/contract.ts';
import { VIEWPORTS } from './viewports.ts';

export const VIEWS = ['side', 'overlay', 'swipe', 'diff'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

const Settings = z.object({
  stack: z.enum(STACK_NAMES).catch('html-css'),
  mode: z.enum(MODES).catch('fast'),
  view: z.enum(VIEWS).catch('side'),
  viewport: z.enum(VIEWPORTS).catch('design'),
  theme: z.enum(THEMES).catch('system'),
});
export type Settings = z.infer<typeof Settings>;

const KEY = 'loupe.settings';

/** The part of the browser's Storage used here. */
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadSettings(storage: Pick<KeyValueStore, 'getItem'>): Settings {
  let stored: unknown = {};
  try {
    stored = JSON.parse(storage.getItem(KEY) ?? '{}');
  } catch {
    // a hand-edited or truncated value: start from the defaults
  }
  return Settings.parse(typeof stored === 'object' && stored !== null ? stored : {});
}

export function saveSettings(storage: Pick<KeyValueStore, 'setItem'>, settings: Settings): void {
  storage.setItem(KEY, JSON.stringify(settings));
}
