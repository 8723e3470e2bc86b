// The app ↔ engine API, declared once: the schemas validate every message at the boundary
// (the server checks requests, the client checks responses), and the TypeScript types are
// derived from them. The same contract is served over HTTP (web mode) and Electron IPC.
// It goes into the app's bundle: what it imports from the engine imports nothing but zod
// (engine/layering.test.ts checks).
import { z } from 'zod';
import { STACK_NAMES, type Stack } from '../codegen/stacks.ts';
import { MODES, type Mode } from '../think/modes.ts';

/** The app offers the stacks and modes the engine names; the app knows the engine only through this file. */
export { MODES, STACK_NAMES };
export const BACKENDS = ['perception', 'local', 'openai'] as const;
/**
 * How a model server writes the code: `direct`, the whole design in one answer; `swarm`, one
 * request per segment of perception's layout tree, in parallel, assembled into one page; `refine`,
 * perception's code of each segment improved by the model, kept only where it scores no worse.
 */
export const STRATEGIES = ['direct', 'swarm', 'refine'] as const;
/** A model that both thinks and answers at once (Kimi K2.5's thinking and instant modes): which; absent, the server's default. */
export const THINKING = ['on', 'off'] as const;
/** Designs larger than this are refused before decoding (the decoder has its own pixel limits). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export const ApiError = z.object({ code: z.string(), message: z.string() });

/** The local model's package folder, on the engine's machine. */
const ModelDir = z.string().trim().min(1, 'name the model package folder').max(4096);

/** An OpenAI-compatible API's root, as its users write it (`http://gpu-box:8000/v1`). */
const BaseUrl = z.url({ protocol: /^https?$/, error: 'give the server as http://host:port/v1' }).max(2048);

/**
 * An OpenAI-compatible chat completions server (vLLM, SGLang, Ollama, llama.cpp, LM Studio, a
 * cloud API, `loupe serve --openai`) and how it is asked. Its key is not part of a conversion's
 * request: the engine holds it in memory for the server's address (modelServerKey), so that it
 * can never reach the history, a log or an export.
 */
export const ModelServerBackend = z.object({
  kind: z.literal('openai'),
  baseUrl: BaseUrl,
  model: z.string().trim().min(1, 'name the model the server serves').max(256),
  strategy: z.enum(STRATEGIES).default('swarm'),
  thinking: z.enum(THINKING).optional(),
  /** Requests in flight at once (swarm, refine). */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** The longest the server may stay silent (before its answer, or between pieces of a streamed one) before the request is tried again, ms; a segment's retries end after three times this. */
  timeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
});

/**
 * Who writes the code: perception's IR through the stack's generator (the default), the local
 * model, shown the design, from a model package in a folder on the engine's machine, or a model
 * server.
 */
export const Backend = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('perception') }),
  z.object({ kind: z.literal('local'), modelDir: ModelDir }),
  ModelServerBackend,
]);

/** The key the engine sends to a model server, kept in its memory only; null forgets it. */
export const ModelServerKeyRequest = z.object({ baseUrl: BaseUrl, key: z.string().min(1).max(8192).nullable() });
/** Asks a model server which models it serves (GET /v1/models), with the key the engine holds for it. */
export const ModelServerRequest = z.object({ baseUrl: BaseUrl });
export const ModelServerState = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reachable'), models: z.array(z.string()) }),
  ApiError.extend({ kind: z.literal('refused') }),
]);

/**
 * One segment of a conversion a model server writes: where it is on the design, and where its
 * code stands. `model`: the model's code is in the page; `perception`: perception's code is, and
 * `reason` says why (no usable answer, or it scored worse). Reasoning is the model's thinking,
 * shown in the job's details and never written to a file.
 */
export const SegmentView = z.object({
  id: z.string(),
  label: z.string(),
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  state: z.enum(['waiting', 'writing', 'model', 'perception']),
  reason: z.string().optional(),
  /** Characters of answer received so far. */
  received: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
  reasoning: z.string().optional(),
});

/** What the app and the CLI say of a model package that `loupe models create-test` wrote. */
export const testPackageNotice = (modelDir: string) => `${modelDir} is a test package (random weights): it will not write code.`;

/** The local model writes one HTML file from the picture: no other stack, and no IR for think mode to repair. */
export const LOCAL_STACKS = ['html-css'] as const;
export const LOCAL_MODES = ['fast'] as const;

/** Why the local model cannot convert in this stack and mode; undefined when it can. */
export function localModelRefusal(stack: Stack, mode: Mode): string | undefined {
  if (!(LOCAL_MODES as readonly string[]).includes(mode)) return 'Think mode repairs the IR; the local model writes its code without one.';
  if (!(LOCAL_STACKS as readonly string[]).includes(stack)) return `The local model writes one HTML file, so html-css only (not ${stack}).`;
  return undefined;
}

/**
 * A model server's code is one HTML page (a swarm's segments are assembled into one), so html-css
 * only. Think mode is allowed: the model repairs the regions that score worst.
 */
export const MODEL_SERVER_STACKS = ['html-css'] as const;

/** Why a model server cannot convert in this stack; undefined when it can. */
export function modelServerRefusal(stack: Stack): string | undefined {
  if (!(MODEL_SERVER_STACKS as readonly string[]).includes(stack)) return `A model server writes one HTML page, so html-css only (not ${stack}).`;
  return undefined;
}

/**
 * A second design of the same page at another width (a phone's beside a desktop's): the two
 * become one codebase that looks like each at its own width (the wider is the page's base).
 */
export const AlsoDesign = z.object({
  name: z.string().min(1).max(255),
  /** The design image's bytes, base64. */
  data: z.base64().min(1),
});

export const ConvertRequest = z.object({
  name: z.string().min(1).max(255),
  /** The design file's bytes, base64. */
  data: z.base64().min(1),
  stack: z.enum(STACK_NAMES),
  mode: z.enum(MODES).default('fast'),
  backend: Backend.default({ kind: 'perception' }),
  also: AlsoDesign.optional(),
});

export const JobRef = z.object({ jobId: z.string().min(1) });

/** Screen recordings the app takes, by file extension (what the video reader is asked to open). */
export const VIDEO_EXTENSIONS = ['mp4', 'webm', 'mov', 'm4v', 'mkv', 'avi'] as const;
export const isVideoName = (name: string) => (VIDEO_EXTENSIONS as readonly string[]).includes(name.split('.').pop()?.toLowerCase() ?? '');

/** A walkthrough video, read for its screens: its result is a VideoDetectionView for the person to edit before generating. */
export const DetectVideoRequest = z.object({
  name: z.string().min(1).max(255).refine(isVideoName, `a video named .${VIDEO_EXTENSIONS.join(', .')}`),
  /** The video file's bytes, base64. */
  data: z.base64().min(1),
});

/** A screen's name, from its id: its folder in the generated app, and how the app and messages call it. */
export const screenName = (id: number) => `screen-${id + 1}`;

/** One screen found in the video: its stitched picture (a thumbnail URL), where it was seen, and whether it was scrolled. */
export const DetectedScreenView = z.object({
  id: z.number().int().nonnegative(),
  /** Its folder in the generated app: screen-1, screen-2, … */
  name: z.string(),
  thumbnail: z.string(),
  /** The stitched picture's size: taller than the video when the page was scrolled. */
  width: z.number().int(),
  height: z.number().int(),
  scrolled: z.boolean(),
  visits: z.array(z.object({ fromS: z.number(), toS: z.number() })),
});

export const VideoDetectionView = z.object({
  /** What generateVideo names: the engine keeps the last few detections until it stops. */
  detectionId: z.string(),
  name: z.string(),
  video: z.object({ durationS: z.number(), width: z.number().int(), height: z.number().int(), codec: z.string(), sampledFps: z.number(), frames: z.number().int() }),
  screens: z.array(DetectedScreenView),
  /** A click that opened another screen: `from` and `to` are screen ids. */
  transitions: z.array(z.object({ from: z.number().int(), to: z.number().int(), timeS: z.number() })),
  /** What did not go as it should (a video too long for every frame to be read, a file cut short). */
  warnings: z.array(z.string()),
});

/**
 * A person's edits of the screens found: screens left out, with the clicks that led to or from
 * them; and screens that are the same as another ([screen, into]): clicks that opened the screen
 * open `into`, and its picture and the clicks made on it (placed on that picture) are dropped.
 */
export const ScreenEdits = z.object({
  drop: z.array(z.number().int().nonnegative()).default([]),
  merge: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).default([]),
});

/** Why these edits cannot be generated from the screens `ids`; undefined when they can. Merges may chain (3 into 2, 2 into 1). */
export function screenEditsRefusal(ids: readonly number[], { drop = [], merge = [] }: ScreenEdits): string | undefined {
  const unknown = [...drop, ...merge.flat()].find((id) => !ids.includes(id));
  if (unknown !== undefined) return `There is no ${screenName(unknown)} in this video.`;
  const into = new Map<number, number>();
  for (const [screen, target] of merge) {
    if (screen === target) return `${screenName(screen)} cannot be merged into itself.`;
    if (into.has(screen)) return `${screenName(screen)} is merged into two screens; choose one.`;
    if (drop.includes(screen)) return `${screenName(screen)} is both dropped and merged; choose one.`;
    into.set(screen, target);
  }
  for (const screen of into.keys()) {
    const chain = [screen];
    for (let at = into.get(screen); at !== undefined; at = into.get(at)) {
      if (chain.includes(at)) return `${chain.map(screenName).join(', ')} are merged into each other; keep one of them.`;
      chain.push(at);
    }
    const target = chain[chain.length - 1]!;
    if (drop.includes(target)) return `${screenName(screen)} is merged into ${screenName(target)}, which is dropped.`;
  }
  if (ids.every((id) => drop.includes(id) || into.has(id))) return 'Keep at least one screen.';
  return undefined;
}

/** Builds the app from a detection with the person's edits; the result is a new design per kept screen, grouped as one app. */
export const GenerateVideoRequest = ScreenEdits.extend({
  detectionId: z.string().min(1),
  stack: z.enum(STACK_NAMES),
  /** Asked for like any conversion's, so that what a video cannot take is refused with a reason. */
  mode: z.enum(MODES).default('fast'),
  backend: Backend.default({ kind: 'perception' }),
});

/**
 * Converts a design of the history again (say, in another stack): its result is a new version.
 * `also`: a narrower design of the same page added to a design image (a phone's to a desktop's):
 * from this version on it is one page at two widths.
 */
export const RegenerateRequest = z.object({
  designId: z.string().min(1),
  stack: z.enum(STACK_NAMES),
  mode: z.enum(MODES).default('fast'),
  backend: Backend.default({ kind: 'perception' }),
  also: AlsoDesign.optional(),
});

export const TextFile = z.object({ path: z.string().min(1), contents: z.string() });

export const Scores = z.object({
  ssim: z.number(),
  mismatch: z.number(),
  block: z.number(),
  text: z.number(),
  position: z.number(),
  color: z.number(),
});

export const CodeChecks = z.object({ largestImageShare: z.number(), absoluteShare: z.number(), elements: z.number() });

/**
 * The app a walkthrough video became: its screens, each a design of the history (its newest
 * version in the app's stack is the one the app is made of), and the clicks that link them.
 */
export const VideoAppView = z.object({
  appId: z.string(),
  name: z.string(),
  stack: z.enum(STACK_NAMES),
  screens: z.array(
    z.object({
      name: z.string(),
      designId: z.string(),
      versionId: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      scrolled: z.boolean(),
      ssim: z.number(),
    }),
  ),
  /** Screen names; `element`: the text of what the click was mapped to, when it was placed on one. */
  transitions: z.array(z.object({ from: z.string(), to: z.string(), timeS: z.number(), element: z.string().optional() })),
});

/**
 * What made a version's code: the backend asked for (the local model with its package folder),
 * whether the model's answer was not usable so the code is perception's (`fellBack`), and the
 * warnings its conversion reported. An edit keeps what made the version it was edited from
 * (`editOf`, that version's number). `unknown`: kept before Loupe recorded this, by a conversion
 * the local model could have made.
 */
export const VersionOrigin = z.object({
  backend: z.enum([...BACKENDS, 'unknown']),
  modelDir: z.string().optional(),
  /** A model server's conversion: the server, model and strategy, and where each segment's code came from. */
  modelServer: z
    .object({
      baseUrl: z.string(),
      model: z.string(),
      strategy: z.enum(STRATEGIES),
      segments: z.array(z.object({ label: z.string(), from: z.enum(['model', 'perception']), reason: z.string().optional() })),
      requests: z.number().int().nonnegative(),
      promptTokens: z.number().int().nonnegative(),
      completionTokens: z.number().int().nonnegative(),
    })
    .optional(),
  fellBack: z.boolean(),
  warnings: z.array(z.string()),
  editOf: z.number().int().positive().optional(),
});

/**
 * One version of a design's code, as the app shows it. Pictures and previews are URLs the engine
 * serves; a preview URL serves the page under its own sandbox (no network, no same-origin access).
 */
export const VersionView = z.object({
  designId: z.string(),
  versionId: z.string(),
  /** 1 for the generated code, then one more for each saved edit or regeneration. */
  number: z.number().int().positive(),
  kind: z.enum(['generated', 'edited']),
  name: z.string(),
  stack: z.enum(STACK_NAMES),
  mode: z.enum(MODES),
  entry: z.string(),
  /** The code's text files; binary files (pictures, fonts) stay with the engine. */
  files: z.array(TextFile),
  binaryFiles: z.array(z.string()),
  preview: z.string(),
  design: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }),
  render: z.string(),
  diff: z.string(),
  scores: Scores,
  checks: CodeChecks,
  /** One page at two widths: the narrower design, and the same code rendered and scored at its width. */
  narrow: z
    .object({
      name: z.string(),
      design: z.object({ url: z.string(), width: z.number().int(), height: z.number().int() }),
      render: z.string(),
      diff: z.string(),
      scores: Scores,
      checks: CodeChecks,
    })
    .optional(),
  timings: z.record(z.string(), z.number()),
  createdAt: z.number(),
  origin: VersionOrigin,
  /** Present for a screen of a walkthrough video's app. */
  app: VideoAppView.optional(),
});

export const VersionSummary = z.object({
  versionId: z.string(),
  number: z.number().int(),
  kind: z.enum(['generated', 'edited']),
  stack: z.string(),
  mode: z.string(),
  scores: z.record(z.string(), z.number()),
  createdAt: z.number(),
  origin: VersionOrigin,
});

export const DesignSummary = z.object({
  designId: z.string(),
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** One page at two widths: the narrower design's width. */
  narrowWidth: z.number().int().optional(),
  createdAt: z.number(),
  versions: z.array(VersionSummary),
});
export const History = z.array(DesignSummary);

export const VersionRef = z.object({ versionId: z.string().min(1) });
export const DeleteRequest = z.union([z.object({ designId: z.string().min(1) }), VersionRef]);

/** Saves the editor's files as a new version of the design (rendered and scored). */
export const SaveRequest = z.object({ versionId: z.string().min(1), files: z.array(TextFile).min(1) });

export const EXPORT_FORMATS = ['files', 'project'] as const;
const ExportOptions = z.object({
  /** An absolute folder on the engine's machine. */
  dir: z.string().min(1),
  format: z.enum(EXPORT_FORMATS),
  overwrite: z.boolean().default(false),
});
/** One version's code, or a walkthrough video's whole app (each screen's newest version, linked, with screens.json). */
export const ExportRequest = z.union([ExportOptions.extend({ versionId: z.string().min(1) }), ExportOptions.extend({ appId: z.string().min(1) })]);
export const ExportResult = z.object({ dir: z.string(), files: z.array(z.string()) });

export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), jobId: z.string(), name: z.string(), position: z.number().int() }),
  z.object({ type: z.literal('progress'), jobId: z.string(), stage: z.string(), fraction: z.number(), overall: z.number() }),
  /** `warnings`: what did not go as asked (a model's code that was not usable, a Figma image fill without its bytes). */
  z.object({ type: z.literal('done'), jobId: z.string(), result: VersionView, warnings: z.array(z.string()) }),
  /** A video's screens were found (detectVideo): the person edits them, then generates. */
  z.object({ type: z.literal('detected'), jobId: z.string(), result: VideoDetectionView }),
  z.object({ type: z.literal('failed'), jobId: z.string(), code: z.string(), message: z.string() }),
  /** A model server's segments as they stand (sent as each one moves). */
  z.object({ type: z.literal('segments'), jobId: z.string(), segments: z.array(SegmentView) }),
]);

/** Edited code → a new preview; `score` also renders it and scores it against the design. */
export const EditRequest = z.object({ versionId: z.string().min(1), files: z.array(TextFile).min(1), score: z.boolean().default(false) });

const ScoredEdit = z.object({ render: z.string(), diff: z.string(), scores: Scores });
export const EditResult = z.object({
  preview: z.string(),
  /** Present when the request asked for scoring; `narrow`, for one page at two widths, at the narrower design's width. */
  scored: ScoredEdit.extend({ narrow: ScoredEdit.optional() }).optional(),
  ms: z.number(),
});

/** A folder named for the local model, asked about when the person chooses it, before any conversion. */
export const ModelFolderRequest = z.object({ modelDir: ModelDir });
/**
 * What the engine found in the folder: a model package, or the refusal a conversion with it
 * would get (the folder is no package, a damaged one, or not a full path).
 */
export const ModelFolder = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('package'),
    /** Random weights (`loupe models create-test`): the model runs, but will not write code. */
    testPackage: z.boolean(),
    /** What its weights came from (the converted checkpoint's folder name), where its manifest names it. */
    source: z.string().optional(),
    /** Bits of its quantised weights; null: none quantised. */
    bits: z.union([z.literal(4), z.literal(8)]).nullable(),
  }),
  ApiError.extend({ kind: z.literal('refused') }),
]);

export { PreviewCursor, PreviewPick } from '../codegen/preview-messages.ts';

/**
 * The Figma plugin's bridge: a loopback port of its own (the plugin's manifest must name it, and
 * the desktop app has no HTTP server to share), reached from the plugin's iframe.
 */
export const FIGMA_BRIDGE_PORT = 4174;
/** A frame's REST JSON plus a 2× PNG as base64 fit well within this. */
export const MAX_FIGMA_FRAME_BYTES = 20 * 1024 * 1024;

/** The pairing code's letters: no 0/O, 1/I/L nor U, so a code read aloud or retyped is not mistaken. */
export const PAIRING_CODE_LETTERS = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 10;
/** A code as typed or pasted: case, spaces and dashes do not matter. */
export const normalizePairingCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');
/** The code the app shows, typed or pasted into the plugin once; the answer is the token it sends from then on. */
export const FigmaPairRequest = z.object({
  code: z
    .string()
    .max(64)
    .transform(normalizePairingCode)
    .pipe(z.string().regex(new RegExp(`^[${PAIRING_CODE_LETTERS}]{${PAIRING_CODE_LENGTH}}$`), `the pairing code is ${PAIRING_CODE_LENGTH} letters and digits, as Loupe's Figma panel shows it`)),
});
export const FigmaPairResult = z.object({ token: z.string() });

/** One frame from the plugin: `exportAsync({ format: 'JSON_REST_V1' })` and its PNG, the ground truth. */
export const FigmaFrameRequest = z.object({
  name: z.string().min(1).max(255),
  document: z.record(z.string(), z.unknown()),
  png: z.base64().min(1),
  /** The variables the frame is bound to, by id (the plugin reads their names in Figma). */
  variables: z.record(z.string(), z.object({ id: z.string(), name: z.string(), resolvedType: z.string() })).optional(),
  stack: z.enum(STACK_NAMES).default('html-css'),
});
export const FigmaFrameResult = z.object({
  jobId: z.string(),
  designId: z.string(),
  versionId: z.string(),
  scores: Scores,
  /** What the conversion could not keep as it was in Figma. */
  warnings: z.array(z.string()),
});

/** The bridge as the app shows it: where it listens (or why it does not), the code and how many plugins are paired. */
export const FigmaBridgeState = z.object({
  url: z.string().optional(),
  problem: z.string().optional(),
  code: z.string(),
  expiresAt: z.number(),
  paired: z.number().int().nonnegative(),
});

export type Backend = z.infer<typeof Backend>;
export type ScreenEdits = z.input<typeof ScreenEdits>;
export type VideoDetectionView = z.infer<typeof VideoDetectionView>;
export type DetectedScreenView = z.infer<typeof DetectedScreenView>;
export type GenerateVideoRequest = z.input<typeof GenerateVideoRequest>;
export type VideoAppView = z.infer<typeof VideoAppView>;
export type ConvertRequest = z.input<typeof ConvertRequest>;
export type VersionOrigin = z.infer<typeof VersionOrigin>;
export type VersionView = z.infer<typeof VersionView>;
export type DesignSummary = z.infer<typeof DesignSummary>;
export type DeleteRequest = z.infer<typeof DeleteRequest>;
export type ExportRequest = z.input<typeof ExportRequest>;
export type ExportResult = z.infer<typeof ExportResult>;
export type JobEvent = z.infer<typeof JobEvent>;
export type EditResult = z.infer<typeof EditResult>;
export type TextFile = z.infer<typeof TextFile>;
export type ApiError = z.infer<typeof ApiError>;
export type FigmaFrameRequest = z.input<typeof FigmaFrameRequest>;
export type FigmaFrameResult = z.infer<typeof FigmaFrameResult>;
export type FigmaBridgeState = z.infer<typeof FigmaBridgeState>;
export type ModelFolder = z.infer<typeof ModelFolder>;
export type ModelServerBackend = z.infer<typeof ModelServerBackend>;
export type ModelServerState = z.infer<typeof ModelServerState>;
export type SegmentView = z.infer<typeof SegmentView>;

/** What a method that only acts answers. */
const Done = z.object({});

/**
 * The API's methods, each with what it takes and what it answers, declared once: the engine
 * checks every request against `request` (a method without one takes nothing and reads no body)
 * and clients check every answer against `response`, so a call names only its method. Carried
 * as HTTP `POST /api/<method>` and over Electron IPC, by name.
 */
export const API = {
  convert: { request: ConvertRequest, response: JobRef },
  /** Reads a walkthrough video for its screens; the job ends with a `detected` event. */
  detectVideo: { request: DetectVideoRequest, response: JobRef },
  /** Builds the app from a detection and the person's edits; the job ends with the first screen's version. */
  generateVideo: { request: GenerateVideoRequest, response: JobRef },
  regenerate: { request: RegenerateRequest, response: JobRef },
  cancel: { request: JobRef, response: Done },
  edit: { request: EditRequest, response: EditResult },
  save: { request: SaveRequest, response: VersionView },
  open: { request: VersionRef, response: VersionView },
  history: { response: History },
  delete: { request: DeleteRequest, response: Done },
  export: { request: ExportRequest, response: ExportResult },
  /** The Figma bridge's address, pairing code and paired plugins. */
  figmaBridge: { response: FigmaBridgeState },
  /** A fresh pairing code (the old one stops working; paired plugins stay paired). */
  figmaNewCode: { response: FigmaBridgeState },
  /** Opens the local model's folder as a conversion would, and says what it holds. */
  modelFolder: { request: ModelFolderRequest, response: ModelFolder },
  /** Sets (or, with null, forgets) the key the engine sends to a model server; held in memory only. */
  modelServerKey: { request: ModelServerKeyRequest, response: Done },
  /** Whether a model server answers, and the models it serves. */
  modelServer: { request: ModelServerRequest, response: ModelServerState },
} satisfies Record<string, { request?: z.ZodType; response: z.ZodType }>;

export type ApiMethod = keyof typeof API;
/** Whether `name` is a method of the API (and not, say, one of Object's own properties). */
export const isApiMethod = (name: unknown): name is ApiMethod => typeof name === 'string' && Object.keys(API).includes(name);

type Declared<M extends ApiMethod> = (typeof API)[M];
/** What a caller passes to a method: nothing to one that takes nothing. */
export type ApiArgs<M extends ApiMethod> = Declared<M> extends { request: z.ZodType } ? [request: z.input<Declared<M>['request']>] : [];
/** A method's request as the engine's method gets it: checked, defaults filled in. */
export type ApiRequest<M extends ApiMethod> = Declared<M> extends { request: z.ZodType } ? z.output<Declared<M>['request']> : undefined;
export type ApiResponse<M extends ApiMethod> = z.infer<Declared<M>['response']>;

/** The API as the renderer sees it, whatever carries it: its methods, and every job event from now on (subscribe returns the unsubscribe function). */
export type LoupeApi = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResponse<M>> } & {
  subscribe(listener: (event: JobEvent) => void): () => void;
};
