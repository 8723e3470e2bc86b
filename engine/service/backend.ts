// The backend of a conversion the app asks for, checked before its job is queued: the local
// model converts design images, in html-css and fast mode, from a folder that holds a model
// package; a model server converts design images in html-css (think mode too: the model
// repairs); a walkthrough video's screens are perceived, in fast mode. A wrong choice or a wrong
// folder is refused at once with what to do. The app asks about the folder alone when the person
// chooses it (modelFolder), so that a test package (random weights) is said to be one before any
// conversion.
import { isAbsolute } from 'node:path';
import { localModelRefusal, modelServerRefusal, type Backend, type ModelFolder } from '../api/contract.ts';
import type { Stack } from '../codegen/index.ts';
import { LoupeError, isLoupeError } from '../errors.ts';
import type { Mode } from '../think/modes.ts';
import type { LocalBackend } from '../pipeline/model-code.ts';
import type { ModelServerRun } from '../pipeline/convert.ts';
import { fromThreadError, type ThreadError } from '../threads/thread-errors.ts';
import { startTsWorker } from '../threads/ts-worker.ts';

/** How the engine runs the local model, set by whoever starts the engine (token limit, placement). */
export type LocalModelSettings = Omit<LocalBackend, 'kind' | 'modelDir'>;

export interface BackendChoice {
  name: string;
  stack: Stack;
  mode: Mode;
  backend: Backend;
}

/** What is converted: a design image (perceived), a Figma frame (its exact values) or a walkthrough video's screens. */
export type InputKind = 'image' | 'figma' | 'video';

/** What a model package is, as the app shows it beside the folder. */
export type PackageFound = Omit<Extract<ModelFolder, { kind: 'package' }>, 'kind'>;

/** Refuses what cannot be converted. */
export async function checkBackend({ name, stack, mode, backend }: BackendChoice, input: InputKind): Promise<void> {
  if (input === 'video') {
    // A video's screens go through one conversion each (convert-video.ts), without think rounds or a model.
    if (backend.kind !== 'perception') throw new LoupeError('INVALID_ARGUMENT', `${name}: a walkthrough video's screens are converted by perception, not ${writer(backend)}. Choose the perception backend in the toolbar.`);
    if (mode === 'think') throw new LoupeError('INVALID_ARGUMENT', `${name}: a walkthrough video's screens are converted in fast mode; think mode repairs one design at a time. Choose fast mode in the toolbar.`);
    return;
  }
  if (backend.kind === 'perception') return;
  if (input === 'figma') {
    throw new LoupeError('INVALID_ARGUMENT', `${name}: a Figma frame is converted from its exact values; ${writer(backend)} reads design images. Choose the perception backend in the toolbar.`);
  }
  if (backend.kind === 'openai') {
    const refusal = modelServerRefusal(stack);
    if (refusal) throw new LoupeError('INVALID_ARGUMENT', `${refusal} Choose html-css in the toolbar for a model server.`);
    return;
  }
  const refusal = localModelRefusal(stack, mode);
  if (refusal) throw new LoupeError('INVALID_ARGUMENT', `${refusal} Choose html-css and fast mode in the toolbar for the local model.`);
  await openModelFolder(backend.modelDir);
}

/** What the local model's folder holds, or the refusal a conversion with it would get. */
export async function modelFolder(modelDir: string): Promise<ModelFolder> {
  try {
    return { kind: 'package', ...(await openModelFolder(modelDir)) };
  } catch (error) {
    // Only the folder's faults are an answer; the engine's own (a worker that died) stay errors.
    if (isLoupeError(error)) return { kind: 'refused', code: error.code, message: error.message };
    throw error;
  }
}

const writer = (backend: Exclude<Backend, { kind: 'perception' }>) => (backend.kind === 'local' ? 'the local model' : 'a model server');

/** The pipeline's backend for a conversion: undefined for perception; a model server's with the key the engine holds for it. */
export function pipelineBackend(backend: Backend, settings: LocalModelSettings, apiKey: (baseUrl: string) => string | undefined): LocalBackend | ModelServerRun | undefined {
  if (backend.kind === 'local') return { ...settings, kind: 'local', modelDir: backend.modelDir };
  if (backend.kind === 'perception') return undefined;
  const key = apiKey(backend.baseUrl);
  return { kind: 'openai', server: backend, ...(key !== undefined && { apiKey: key }) };
}

export type PackageCheck = { ok: true; found: PackageFound } | ({ ok: false } & ThreadError);

/**
 * Opens the package as the engine will (manifest, config, file sizes, tokenizer checksums) and
 * closes it. In a worker thread: a large model's manifest takes seconds to parse, and the server
 * keeps answering meanwhile. A folder not given from the root is refused first: the engine would
 * look for it wherever it happened to start.
 */
function openModelFolder(dir: string): Promise<PackageFound> {
  if (!isAbsolute(dir)) {
    return Promise.reject(new LoupeError('INVALID_ARGUMENT', `The model folder ${dir} is not a full path; give the folder from the root (it is on the engine's machine).`));
  }
  const worker = startTsWorker(new URL('./backend-worker.ts', import.meta.url), dir);
  return new Promise((resolve, reject) => {
    worker.once('message', (check: PackageCheck) => {
      if (check.ok) resolve(check.found);
      else reject(fromThreadError(check));
    });
    worker.once('error', reject);
    // Only if it ended without an answer; after one, this rejection is ignored.
    worker.once('exit', (code) => reject(new Error(`The check of the model folder stopped (exit code ${code}).`)));
  });
}
