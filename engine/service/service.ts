// The engine's API, independent of what carries it: each method takes the raw message, checks
// it against the contract, and does the work. Web mode serves it over HTTP (http.ts); the
// desktop app over Electron IPC. Transports only forward.
import {
  DeleteRequest,
  DetectVideoRequest,
  EditRequest,
  ExportRequest,
  GenerateVideoRequest,
  JobRef,
  RegenerateRequest,
  SaveRequest,
  VersionRef,
  type ApiError,
  type ApiMethod,
  type EditResult,
  type JobEvent,
} from '../api/contract.ts';
import { buildPreview } from '../codegen/index.ts';
import { isLoupeError } from '../errors.ts';
import { HistoryStore } from '../history/store.ts';
import { exportCode } from '../pipeline/export.ts';
import { isFigmaFile } from '../pipeline/figma-input.ts';
import type { RenderPool } from '../render/pool.ts';
import { ArtifactStore, type Artifact } from './artifacts.ts';
import { editedCode, renderAndScore } from './edits.ts';
import { parseFigmaFile, storedIrJob } from './figma-frame.ts';
import { FigmaPairing } from './figma-pairing.ts';
import { JobQueue } from './jobs.ts';
import { checkBackend, type LocalModelSettings } from './backend.ts';
import { conversionWork, type ConversionContext, type ConversionRequest } from './conversion-job.ts';
import { parseConvertRequest, parseMessage } from './validate.ts';
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

  constructor(private readonly pool: RenderPool, historyPath: string, localModel: LocalModelSettings = {}) {
    this.history = new HistoryStore(historyPath);
    this.conversions = { pool, history: this.history, artifacts: this.artifacts, localModel };
    this.videos = new VideoSessions(this.conversions);
  }

  /** Queues a conversion; `designId`: the design of the history it converts again, none for a new design. */
  submitConversion(request: ConversionRequest, designId?: string): string {
    return this.jobs.submit(request.name, conversionWork(request, designId, this.conversions));
  }

  /** The API's methods by name, as transports call them. */
  readonly methods: Record<ApiMethod, (body: unknown) => Promise<unknown>> = {
    convert: async (body) => {
      const request = parseConvertRequest(body);
      const figma = isFigmaFile(request.name);
      const model = await checkBackend(request, figma ? 'figma' : 'image');
      // A Figma JSON file is parsed before it is queued, so a broken one is refused at once.
      return { jobId: this.submitConversion(figma ? parseFigmaFile(request) : request), ...model };
    },
    detectVideo: async (body) => {
      const { name, data } = parseMessage(DetectVideoRequest, body, 'detectVideo');
      return { jobId: this.jobs.submit(name, this.videos.detectWork(name, Buffer.from(data, 'base64'))) };
    },
    generateVideo: async (body) => {
      const { name, work } = await this.videos.generation(parseMessage(GenerateVideoRequest, body, 'generateVideo'));
      return { jobId: this.jobs.submit(name, work) };
    },
    regenerate: async (body) => {
      const { designId, stack, mode, backend } = parseMessage(RegenerateRequest, body, 'regenerate');
      const design = this.history.design(designId);
      const model = await checkBackend({ name: design.name, stack, mode, backend }, design.app ? 'video' : design.ir !== undefined ? 'figma' : 'image');
      // A design with an IR of its own (Figma's exact values; a video screen's, with its links) is converted again from it; a picture is perceived again.
      const request = design.ir !== undefined ? await storedIrJob({ ...design, ir: design.ir }, stack, mode) : { name: design.name, data: Buffer.from(design.png), stack, mode, backend };
      return { jobId: this.submitConversion(request, designId), ...model };
    },
    cancel: async (body) => {
      this.jobs.cancel(parseMessage(JobRef, body, 'cancel').jobId);
      return {};
    },
    edit: (body) => this.edit(body),
    save: (body) => this.save(body),
    open: (body) => versionView(this.history, this.artifacts, parseMessage(VersionRef, body, 'open').versionId),
    history: async () => this.history.list(),
    delete: async (body) => {
      const target = parseMessage(DeleteRequest, body, 'delete');
      if ('designId' in target) this.history.deleteDesign(target.designId);
      else this.history.deleteVersion(target.versionId);
      return {};
    },
    export: async (body) => {
      const request = parseMessage(ExportRequest, body, 'export');
      const { stack, entry, files } = 'appId' in request ? videoAppCode(this.history, request.appId) : this.history.version(request.versionId);
      const written = await exportCode({ stack, entry, files, dir: request.dir, format: request.format, overwrite: request.overwrite });
      return { dir: request.dir, files: written };
    },
    figmaBridge: async () => this.figma.state(),
    figmaNewCode: async () => {
      this.figma.newCode();
      return this.figma.state();
    },
  };

  /** The API method of that name; undefined for anything else (including Object's own properties). */
  method(name: string): ((body: unknown) => Promise<unknown>) | undefined {
    return Object.hasOwn(this.methods, name) ? this.methods[name as ApiMethod] : undefined;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    return this.jobs.subscribe(listener);
  }

  artifact(id: string): Artifact | undefined {
    return this.artifacts.get(id);
  }

  close(): void {
    this.history.close();
    void this.videos.close();
  }

  private async edit(body: unknown): Promise<EditResult> {
    const started = performance.now();
    const edit = parseMessage(EditRequest, body, 'edit');
    const { version, code } = editedCode(this.history, edit.versionId, edit.files);
    const [preview, scored] = await Promise.all([
      buildPreview(code, { picking: true }),
      edit.score ? renderAndScore(this.history, version.designId, code, this.pool) : undefined,
    ]);
    const result: EditResult = { preview: this.artifacts.put(preview, 'text/html', 'html'), ms: 0 };
    if (scored) result.scored = { render: this.artifacts.put(scored.render, 'image/png', 'png'), diff: this.artifacts.put(scored.diff, 'image/png', 'png'), scores: scored.scores };
    result.ms = Math.round(performance.now() - started);
    return result;
  }

  private async save(body: unknown) {
    const save = parseMessage(SaveRequest, body, 'save');
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
