// The engine's API, independent of what carries it: each method takes the raw message, checks
// it against the contract's request for that method, and does the work. Web mode serves it over
// HTTP (http.ts); the desktop app over Electron IPC. Transports only forward.
import { dirname } from 'node:path';
import type { z } from 'zod';
import { API, isApiMethod, type ApiError, type ApiMethod, type ApiRequest, type ApiResponse, type JobEvent } from '../api/contract.ts';
import { buildPreview } from '../codegen/index.ts';
import { isLoupeError } from '../errors.ts';
import { HistoryStore } from '../history/store.ts';
import { exportCode } from '../pipeline/export.ts';
import { isFigmaFile } from '../pipeline/figma-input.ts';
import type { RenderPool } from '../render/pool.ts';
import { ArtifactStore, type Artifact } from './artifacts.ts';
import { editedCode, renderAndScore, type ScoredRender } from './edits.ts';
import { parseFigmaFile, parseFigmaPair, storedIrJob } from './figma-frame.ts';
import { FigmaPairing } from './figma-pairing.ts';
import { JobQueue, type JobWork } from './jobs.ts';
import { checkBackend, modelFolder, type LocalModelSettings } from './backend.ts';
import { conversionWork, type ConversionContext, type ConversionRequest } from './conversion-job.ts';
import { exportFolderInside } from './export-folders.ts';
import { ModelServerKeys } from './model-server-keys.ts';
import { modelServerState } from './model-server.ts';
import { checkAddedDesign, checkTwoDesigns } from './two-designs.ts';
import { UploadSpool } from './upload-spool.ts';
import { parseMessage } from './validate.ts';
import { videoAppCode } from './video/video-app.ts';
import { VideoSessions } from './video/videos.ts';
import { versionView } from './views.ts';

export class EngineService {
  readonly jobs = new JobQueue();
  /** The Figma plugin's pairing, which the app shows and the bridge (figma-bridge.ts) checks. */
  readonly figma = new FigmaPairing();
  private readonly history: HistoryStore;
  private readonly artifacts = new ArtifactStore();
  private readonly conversions: ConversionContext;
  private readonly videos: VideoSessions;
  /** Model servers' keys, in memory only (see model-server-keys.ts). */
  private readonly keys = new ModelServerKeys();
  /** Uploads waiting their turn, on disk in the data folder's scratch area. */
  private readonly uploads: UploadSpool;

  /**
   * `exportsRoot`: the only folder exports may go into (web mode). The desktop app gives none: its
   * shell lets through only exports into a folder picked in its dialog (electron/picked-folders.ts).
   */
  constructor(
    private readonly pool: RenderPool,
    historyPath: string,
    localModel: LocalModelSettings = {},
    private readonly exportsRoot?: string,
  ) {
    this.history = new HistoryStore(historyPath);
    this.uploads = new UploadSpool(dirname(historyPath));
    this.conversions = { pool, history: this.history, artifacts: this.artifacts, localModel, keys: this.keys };
    this.videos = new VideoSessions(this.conversions);
  }

  /** Queues a conversion; `designId`: the design of the history it converts again, none for a new design. */
  submitConversion(request: ConversionRequest, designId?: string): string {
    return this.jobs.submit(request.name, conversionWork(request, designId, this.conversions));
  }

  /** The API's methods by name, each given its request as checked against the contract. */
  private readonly handlers: { [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponse<M>> } = {
    convert: async ({ also, ...checked }) => {
      const { data: base64, ...settings } = checked;
      const upload = Buffer.from(base64, 'base64');
      if (also) {
        const request = { ...settings, data: upload };
        const second = { name: also.name, data: Buffer.from(also.data, 'base64') };
        // Two Figma files are parsed before they are queued, as one is.
        const { figma } = checkTwoDesigns([request.name, also.name], request);
        return { jobId: this.submitConversion(figma ? parseFigmaPair(request, second) : { ...request, also: second }) };
      }
      const figma = isFigmaFile(settings.name);
      await checkBackend(settings, figma ? 'figma' : 'image');
      // A Figma JSON file is parsed before it is queued, so a broken one is refused at once, and
      // parsed again from the spooled file when its turn comes rather than held parsed meanwhile.
      if (figma) parseFigmaFile({ ...settings, data: upload });
      const jobId = await this.submitUpload(settings.name, upload, (data) => {
        const request = { ...settings, data };
        return conversionWork(figma ? parseFigmaFile(request) : request, undefined, this.conversions);
      });
      return { jobId };
    },
    detectVideo: async ({ name, data }) => ({ jobId: await this.submitUpload(name, Buffer.from(data, 'base64'), (bytes) => this.videos.detectWork(name, bytes)) }),
    generateVideo: async (request) => {
      const { name, work } = await this.videos.generation(request);
      return { jobId: this.jobs.submit(name, work) };
    },
    regenerate: async ({ designId, stack, mode, backend, also }) => {
      const design = this.history.design(designId);
      if (also) {
        // A narrower design added: the design image converted again with it, as one page at two widths.
        const added = { name: also.name, data: Buffer.from(also.data, 'base64') };
        await checkAddedDesign(design, added, { mode, backend });
        return { jobId: this.submitConversion({ name: design.name, data: Buffer.from(design.png), stack, mode, backend, also: added }, designId) };
      }
      if (design.narrow) {
        // One page at two widths is converted again from both its designs (two Figma frames, from their IRs).
        const { narrow } = design;
        checkTwoDesigns([design.name, narrow.name], { mode, backend });
        if (design.ir !== undefined && narrow.ir !== undefined) {
          const [wide, second] = await Promise.all([storedIrJob({ ...design, ir: design.ir }, stack, mode), storedIrJob({ ...narrow, ir: narrow.ir }, stack, mode)]);
          return { jobId: this.submitConversion({ ...wide, also: second }, designId) };
        }
        const also = { name: narrow.name, data: Buffer.from(narrow.png) };
        return { jobId: this.submitConversion({ name: design.name, data: Buffer.from(design.png), stack, mode, backend, also }, designId) };
      }
      await checkBackend({ name: design.name, stack, mode, backend }, design.app ? 'video' : design.ir !== undefined ? 'figma' : 'image');
      // A design with an IR of its own (Figma's exact values; a video screen's, with its links) is converted again from it.
      if (design.ir !== undefined) return { jobId: this.submitConversion(await storedIrJob({ ...design, ir: design.ir }, stack, mode), designId) };
      // A picture is perceived again, read from the history when its turn comes rather than held while it waits.
      const settings = { name: design.name, stack, mode, backend };
      const work: JobWork = (...run) => conversionWork({ ...settings, data: Buffer.from(this.history.design(designId).png) }, designId, this.conversions)(...run);
      return { jobId: this.jobs.submit(design.name, work) };
    },
    cancel: async ({ jobId }) => {
      this.jobs.cancel(jobId);
      return {};
    },
    edit: (request) => this.edit(request),
    save: (request) => this.save(request),
    open: ({ versionId }) => versionView(this.history, this.artifacts, versionId),
    history: async () => this.history.list(),
    delete: async (target) => {
      if ('designId' in target) this.history.deleteDesign(target.designId);
      else this.history.deleteVersion(target.versionId);
      return {};
    },
    export: async (request) => {
      const { stack, entry, files } = 'appId' in request ? videoAppCode(this.history, request.appId) : this.history.version(request.versionId);
      const dir = this.exportsRoot === undefined ? request.dir : await exportFolderInside(this.exportsRoot, request.dir);
      const written = await exportCode({ stack, entry, files, dir, format: request.format, overwrite: request.overwrite });
      return { dir, files: written };
    },
    figmaBridge: async () => this.figma.state(),
    figmaNewCode: async () => {
      this.figma.newCode();
      return this.figma.state();
    },
    modelFolder: ({ modelDir }) => modelFolder(modelDir),
    modelServerKey: async ({ baseUrl, key }) => {
      this.keys.set(baseUrl, key);
      return {};
    },
    modelServer: ({ baseUrl }) => modelServerState(baseUrl, this.keys),
  };

  /** The API method of that name, taking the raw message; undefined for anything else. */
  method(name: string): ((body: unknown) => Promise<unknown>) | undefined {
    if (!isApiMethod(name)) return undefined;
    const { request } = API[name] as { request?: z.ZodType };
    const handler = this.handlers[name] as (request: unknown) => Promise<unknown>;
    return async (body) => handler(request && parseMessage(request, body, name));
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    return this.jobs.subscribe(listener);
  }

  artifact(id: string): Artifact | undefined {
    return this.artifacts.get(id);
  }

  async close(): Promise<void> {
    await this.jobs.cancelAll();
    this.history.close();
    this.uploads.close();
    void this.videos.close();
  }

  /** Queues work on an upload, which waits on disk and is read back when the job's turn comes. */
  private async submitUpload(name: string, bytes: Buffer, work: (data: Buffer) => JobWork): Promise<string> {
    const upload = await this.uploads.put(bytes);
    return this.jobs.submit(name, async (signal, progress, update) => work(await upload.read())(signal, progress, update), upload.remove);
  }

  private async edit(edit: ApiRequest<'edit'>): Promise<ApiResponse<'edit'>> {
    const started = performance.now();
    const { version, code } = editedCode(this.history, edit.versionId, edit.files);
    const [preview, scored] = await Promise.all([
      buildPreview(code, { picking: true }),
      edit.score ? renderAndScore(this.history, version.designId, code, this.pool) : undefined,
    ]);
    const result: ApiResponse<'edit'> = { preview: this.artifacts.put(preview, 'text/html', 'html'), ms: 0 };
    if (scored) {
      const urls = (s: ScoredRender) => ({ render: this.artifacts.put(s.render, 'image/png', 'png'), diff: this.artifacts.put(s.diff, 'image/png', 'png'), scores: s.scores });
      result.scored = { ...urls(scored), ...(scored.narrow && { narrow: urls(scored.narrow) }) };
    }
    result.ms = Math.round(performance.now() - started);
    return result;
  }

  private async save(save: ApiRequest<'save'>) {
    const { version, code } = editedCode(this.history, save.versionId, save.files);
    const scored = await renderAndScore(this.history, version.designId, code, this.pool);
    const versionId = this.history.addVersion(version.designId, {
      kind: 'edited',
      stack: version.stack,
      mode: version.mode,
      entry: code.entry,
      files: code.files,
      render: scored.render,
      diff: scored.diff,
      scores: { ...scored.scores },
      checks: { ...scored.checks },
      timings: {},
      // The code under the edit was made as its version's was.
      origin: { ...version.origin, editOf: version.number },
      ...(scored.narrow && { narrow: { render: scored.narrow.render, diff: scored.narrow.diff, scores: { ...scored.narrow.scores }, checks: { ...scored.narrow.checks } } }),
    });
    return versionView(this.history, this.artifacts, versionId);
  }
}

/** What a transport answers for a failed call: a user's error as it is, anything else as the engine's fault. */
export function toApiError(error: unknown): ApiError {
  return isLoupeError(error)
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: `The engine failed: ${error instanceof Error ? error.message : String(error)}` };
}
