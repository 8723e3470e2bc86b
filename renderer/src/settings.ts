// The user's choices that outlive a session (default stack and mode, backend and model folder, a
// model server and how it is asked, preview view and viewport, theme), kept in the browser's
// storage; anything unreadable there falls back to the defaults. A model server's key is not
// among them: it never goes to the browser's storage (see use-model-server-key.ts).
import { z } from 'zod';
import { BACKENDS, LOCAL_MODES, LOCAL_STACKS, MODEL_SERVER_STACKS, MODES, ModelServerBackend, STACK_NAMES, STRATEGIES, THINKING, type ConvertRequest } from '../../engine/api/contract.ts';
import { VIEWPORTS } from './viewports.ts';

export const VIEWS = ['side', 'overlay', 'swipe', 'diff'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;
/** Whether a model that can think does: as the server has it, or asked for on or off. */
export const THINKING_CHOICES = ['default', ...THINKING] as const;

const Settings = z.object({
  stack: z.enum(STACK_NAMES).catch('html-css'),
  mode: z.enum(MODES).catch('fast'),
  backend: z.enum(BACKENDS).catch('perception'),
  /** The local model's package folder, on the engine's machine; kept when the backend changes. */
  modelDir: z.string().catch(''),
  /** A model server's address (an OpenAI-compatible API's root), the model asked for, and how it is asked. */
  serverUrl: z.string().catch(''),
  serverModel: z.string().catch(''),
  strategy: z.enum(STRATEGIES).catch('swarm'),
  thinking: z.enum(THINKING_CHOICES).catch('default'),
  concurrency: z.number().int().min(1).max(64).catch(4),
  view: z.enum(VIEWS).catch('side'),
  viewport: z.enum(VIEWPORTS).catch('design'),
  theme: z.enum(THEMES).catch('system'),
});
export type Settings = z.infer<typeof Settings>;

const KEY = 'loupe.settings';

/** The stacks and modes a backend can write: the local model writes one HTML file, in fast mode; a model server one HTML page, in either mode. */
export function choicesFor(backend: Settings['backend']): { stacks: readonly Settings['stack'][]; modes: readonly Settings['mode'][] } {
  if (backend === 'local') return { stacks: LOCAL_STACKS, modes: LOCAL_MODES };
  if (backend === 'openai') return { stacks: MODEL_SERVER_STACKS, modes: MODES };
  return { stacks: STACK_NAMES, modes: MODES };
}

/** A server's address as the engine keys it: `http://box:8000/v1/` is `http://box:8000/v1`. */
export const serverAddress = (url: string) => url.trim().replace(/\/+$/, '');

/** The chosen value where the backend can take it, else the backend's first (the setting itself is kept for the other backend). */
export const within = <T extends string>(options: readonly T[], value: string): T => options.find((o) => o === value) ?? options[0]!;

type ConversionChoice = Required<Pick<ConvertRequest, 'stack' | 'mode' | 'backend'>>;

/** What conversions are asked for with these settings, or what is missing first. */
export function conversionChoice(settings: Settings): ConversionChoice | { missing: string } {
  const { stacks, modes } = choicesFor(settings.backend);
  const chosen = { stack: within(stacks, settings.stack), mode: within(modes, settings.mode) };
  if (settings.backend === 'perception') return { ...chosen, backend: { kind: 'perception' } };
  if (settings.backend === 'openai') return modelServerChoice(settings, chosen);
  const modelDir = settings.modelDir.trim();
  if (!modelDir) return { missing: "Name the local model's folder in the toolbar (or choose the perception backend) first." };
  return { ...chosen, backend: { kind: 'local', modelDir } };
}

function modelServerChoice(settings: Settings, chosen: Pick<ConversionChoice, 'stack' | 'mode'>): ConversionChoice | { missing: string } {
  const baseUrl = serverAddress(settings.serverUrl);
  const model = settings.serverModel.trim();
  if (!baseUrl) return { missing: "Give the model server's address in the toolbar (or choose the perception backend) first." };
  if (!model) return { missing: 'Name the model the server is to use in the toolbar (Check lists the models it serves) first.' };
  const backend = {
    kind: 'openai' as const,
    baseUrl,
    model,
    strategy: settings.strategy,
    concurrency: settings.concurrency,
    ...(settings.thinking !== 'default' && { thinking: settings.thinking }),
  };
  // Refused here with the contract's own words rather than by the engine after the file is read.
  const checked = ModelServerBackend.safeParse(backend);
  if (!checked.success) return { missing: `The model server's settings: ${checked.error.issues.map((i) => i.message).join('; ')}.` };
  return { ...chosen, backend };
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
