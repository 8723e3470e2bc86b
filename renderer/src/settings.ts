// The user's choices that outlive a session (default stack and mode, backend and model folder,
// preview view and viewport, theme), kept in the browser's storage; anything unreadable there
// falls back to the defaults.
import { z } from 'zod';
import { BACKENDS, LOCAL_MODES, LOCAL_STACKS, MODES, STACK_NAMES, type ConvertRequest } from '../../engine/api/contract.ts';
import { VIEWPORTS } from './viewports.ts';

export const VIEWS = ['side', 'overlay', 'swipe', 'diff'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

const Settings = z.object({
  stack: z.enum(STACK_NAMES).catch('html-css'),
  mode: z.enum(MODES).catch('fast'),
  backend: z.enum(BACKENDS).catch('perception'),
  /** The local model's package folder, on the engine's machine; kept when the backend changes. */
  modelDir: z.string().catch(''),
  view: z.enum(VIEWS).catch('side'),
  viewport: z.enum(VIEWPORTS).catch('design'),
  theme: z.enum(THEMES).catch('system'),
});
export type Settings = z.infer<typeof Settings>;

const KEY = 'loupe.settings';

/** The stacks and modes a backend can write: the local model writes one HTML file, in fast mode. */
export const choicesFor = (backend: Settings['backend']) =>
  backend === 'local' ? { stacks: LOCAL_STACKS, modes: LOCAL_MODES } : { stacks: STACK_NAMES, modes: MODES };

/** The chosen value where the backend can take it, else the backend's first (the setting itself is kept for the other backend). */
export const within = <T extends string>(options: readonly T[], value: string): T => options.find((o) => o === value) ?? options[0]!;

type ConversionChoice = Required<Pick<ConvertRequest, 'stack' | 'mode' | 'backend'>>;

/** What conversions are asked for with these settings, or what is missing first. */
export function conversionChoice(settings: Settings): ConversionChoice | { missing: string } {
  const { stacks, modes } = choicesFor(settings.backend);
  const chosen = { stack: within(stacks, settings.stack), mode: within(modes, settings.mode) };
  if (settings.backend === 'perception') return { ...chosen, backend: { kind: 'perception' } };
  const modelDir = settings.modelDir.trim();
  if (!modelDir) return { missing: "Name the local model's folder in the toolbar (or choose the perception backend) first." };
  return { ...chosen, backend: { kind: 'local', modelDir } };
}

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
