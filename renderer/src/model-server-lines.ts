// What the model server's settings say beside its fields: what a check found (the models it
// serves, or why it cannot be used), and where its key is kept.
import type { ModelServerState } from '../../engine/api/contract.ts';
import type { FolderLine } from './model-folder.ts';

export type Line = FolderLine;

const MODELS_NAMED = 5;

/** `model`: the one in the field, said when the server does not serve it. */
export function serverLine(state: ModelServerState, model: string): Line {
  if (state.kind === 'refused') return { text: state.message, tone: 'bad' };
  const { models } = state;
  if (models.length === 0) return { text: 'The server answers, but serves no models.', tone: 'warn' };
  const named = models.slice(0, MODELS_NAMED).join(', ') + (models.length > MODELS_NAMED ? `, and ${models.length - MODELS_NAMED} more` : '');
  const served = `Serves ${models.length === 1 ? '1 model' : `${models.length} models`}: ${named}.`;
  if (model.trim() && !models.includes(model.trim())) return { text: `${served} ${model.trim()} is not one of them.`, tone: 'warn' };
  return { text: served, tone: 'ok' };
}

/**
 * Where the key is: `saved`, encrypted by the desktop app (the system's keychain); `memory`, held
 * by this page and the engine until either closes; `none`, not given.
 */
export type KeyPlace = 'none' | 'memory' | 'saved';

/** `desktop`: the app could have saved it (so a key held in memory only is for want of encryption). */
export function keyLine(place: KeyPlace, desktop: boolean): string {
  if (place === 'saved') return 'Key saved, encrypted.';
  if (place === 'memory') return desktop ? 'Key held until Loupe quits: this system cannot encrypt it.' : 'Key held until this page is closed or reloaded.';
  return 'No key: servers on your own machines often need none.';
}
