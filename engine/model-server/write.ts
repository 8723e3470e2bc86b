// A model server writes a conversion's code, in one of three ways (the contract's STRATEGIES):
// `direct`, the whole design in one answer; `swarm`, one request per segment of perception's
// layout tree, at most `concurrency` at once, assembled into perception's page in place of each
// segment's content; `refine`, perception's code of each segment rewritten by the model and kept
// only where the page renders at least as close to the design. Every segment ends as the model's
// code or perception's, and the board says which and why.
import pLimit from 'p-limit';
import type { ModelServerBackend, SegmentView, VersionOrigin } from '../api/contract.ts';
import { buildPreview, generate, type Markup, type Stack } from '../codegen/index.ts';
import { comparePixels } from '../compare/index.ts';
import { LoupeError, isLoupeError } from '../errors.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design } from '../ir/index.ts';
import { ChatClient, type ChatAnswer, type ChatRequest } from '../openai/chat.ts';
import type { RenderPool } from '../render/pool.ts';
import { generateCode, renderCode, type Attempt, type Generated } from '../think/attempt.ts';
import { markupFromAnswer, pageFromAnswer } from './answer.ts';
import { SegmentBoard } from './board.ts';
import { crop, noWorse, pageFidelity, regionFidelity, worstDrop, type Reference } from './fidelity.ts';
import { pagePrompt, refinePrompt, segmentPrompt } from './prompts.ts';
import { cutSegments, type Segment } from './segments.ts';

/** A conversion whose code a model server writes: the server as asked for, and its key (held in memory, never recorded). */
export interface ModelServerRun {
  kind: 'openai';
  server: ModelServerBackend;
  apiKey?: string;
}

/** What a model server's conversion did: the segments' sources and the requests and tokens it took. */
export type ModelServerReport = NonNullable<VersionOrigin['modelServer']>;

export interface ModelServerWrite {
  image: DecodedImage;
  designPng: Buffer;
  /** Perception's IR and text blocks: what segments are cut from, and what fidelity is scored against. */
  design: Design;
  blocks: Reference['blocks'];
  stack: Stack;
  pool: RenderPool;
  run: ModelServerRun;
  /** The run's client (clientFor): its stats are the report's requests and tokens. */
  client: ChatClient;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  onSegments?: (segments: SegmentView[]) => void;
}

export interface ModelServerCode {
  generated: Generated;
  /** Every segment's state at the end (reasoning included): the job's details. */
  segments: SegmentView[];
}

export const clientFor = ({ server, apiKey }: ModelServerRun) => new ChatClient({ baseUrl: server.baseUrl, model: server.model, apiKey, thinking: server.thinking, timeoutMs: server.timeoutMs });

/** What the run did, for the version's origin. */
export function modelServerReport({ server }: ModelServerRun, segments: SegmentView[], client: ChatClient): ModelServerReport {
  return {
    baseUrl: server.baseUrl,
    model: server.model,
    strategy: server.strategy,
    segments: segments.map((v) => ({ label: v.label, from: v.state === 'model' ? 'model' : 'perception', ...(v.reason && { reason: v.reason }) })),
    requests: client.stats.requests,
    promptTokens: client.stats.promptTokens,
    completionTokens: client.stats.completionTokens,
  };
}

/** Segments whose code is perception's, for the user to read. */
export const fallbackWarnings = (segments: SegmentView[]) => segments.filter((v) => v.state === 'perception').map((v) => `${v.label}: perception's code is used (${v.reason}).`);

/** The longest a segment's request may go on being retried, as a multiple of one request's timeout. */
const RETRY_BUDGET_TIMEOUTS = 3;
/** The most tokens one answer may take: a segment's markup, or a whole page. */
const MAX_TOKENS = 8192;

export async function writeWithModelServer(w: ModelServerWrite): Promise<ModelServerCode> {
  const { server } = w.run;
  if (w.stack !== 'html-css') throw new LoupeError('INVALID_ARGUMENT', `A model server writes html-css, not ${w.stack}.`);
  const segments = server.strategy === 'direct' ? [{ id: w.design.root.id, label: 'page', box: w.design.root.box, node: w.design.root }] : cutSegments(w.design);
  const board = new SegmentBoard(segments, w.onSegments);
  const ask = asker(w.client, board, w);
  let generated: Generated;
  if (server.strategy === 'direct') generated = await direct(w, ask, board);
  else {
    const limit = pLimit(server.concurrency);
    const answers = await Promise.all(segments.map((s) => limit(() => segmentMarkup(s, w, ask))));
    generated = server.strategy === 'swarm' ? await assemble(w, segments, answers, board) : await refine(w, segments, answers, board);
  }
  return { generated, segments: board.segments };
}

/** One segment's answer, or why there is none (the server failed it within its retries). */
type Asked = { answer: ChatAnswer } | { fallback: string };

type Ask = (segment: Pick<Segment, 'id'>, request: ChatRequest) => Promise<Asked>;

function asker(client: ChatClient, board: SegmentBoard, w: ModelServerWrite): Ask {
  let done = 0;
  const total = board.segments.length;
  return async (segment, request) => {
    board.writing(segment.id);
    try {
      const deadline = Date.now() + RETRY_BUDGET_TIMEOUTS * w.run.server.timeoutMs;
      const answer = await client.complete({ maxTokens: MAX_TOKENS, ...request }, { signal: w.signal, deadline, onDelta: ({ content }) => board.received(segment.id, content) });
      return answer.finishReason === 'length' ? { fallback: 'the answer was cut off at the token limit' } : { answer };
    } catch (error) {
      if (!isLoupeError(error) || error.code === 'CANCELLED') throw error;
      return { fallback: error.message };
    } finally {
      w.onProgress?.(++done / total);
    }
  };
}

async function direct(w: ModelServerWrite, ask: Ask, board: SegmentBoard): Promise<Generated> {
  const id = w.design.root.id;
  const asked = await ask({ id }, { text: pagePrompt(w.design), images: [w.designPng] });
  const page = 'answer' in asked ? pageFromAnswer(asked.answer.content) : asked;
  const reasoning = 'answer' in asked ? asked.answer.reasoning : '';
  if ('code' in page) {
    board.fromModel(id, reasoning);
    return { design: w.design, code: page.code, preview: await buildPreview(page.code) };
  }
  board.fromPerception(id, page.fallback, reasoning);
  return generateCode(w.design, w.stack);
}

type SegmentAnswer = { markup: Markup; reasoning: string } | { fallback: string; reasoning: string };

/** A segment's markup as the model wrote it, from the segment's crop of the design. */
async function segmentMarkup(segment: Segment, w: ModelServerWrite, ask: Ask): Promise<SegmentAnswer> {
  const picture = await crop(w.designPng, segment.box, w.image.width, w.image.height);
  const perception = w.run.server.strategy === 'refine' ? await perceptionMarkup(w.design, segment) : undefined;
  const asked = await ask(segment, { text: perception ? refinePrompt(segment, perception) : segmentPrompt(segment), images: picture ? [picture] : [] });
  if ('fallback' in asked) return { ...asked, reasoning: '' };
  return { ...markupFromAnswer(asked.answer.content), reasoning: asked.answer.reasoning };
}

/** Swarm: every usable segment's markup in perception's page; the page is one document. */
async function assemble(w: ModelServerWrite, segments: Segment[], answers: SegmentAnswer[], board: SegmentBoard): Promise<Generated> {
  const markup = new Map<string, Markup>();
  segments.forEach((s, i) => {
    const a = answers[i]!;
    if ('markup' in a) markup.set(s.id, a.markup);
    else board.fromPerception(s.id, a.fallback, a.reasoning);
  });
  const code = await generateWith(w, markup, board);
  for (const s of segments) if (markup.has(s.id)) board.fromModel(s.id, reasoningOf(answers[segments.indexOf(s)]!));
  return { design: w.design, code, preview: await buildPreview(code) };
}

/**
 * Refine: segment by segment, the model's markup goes into the page only if the page, and the
 * segment's region of it, then render at least as close to the design on every figure; so the
 * result is never further from the design than perception's.
 */
async function refine(w: ModelServerWrite, segments: Segment[], answers: SegmentAnswer[], board: SegmentBoard): Promise<Generated> {
  const reference: Reference = { designPng: w.designPng, size: w.image, blocks: w.blocks };
  const markup = new Map<string, Markup>();
  let current = await attempt(w, await generateCode(w.design, w.stack), reference);
  for (const [i, s] of segments.entries()) {
    const a = answers[i]!;
    if (!('markup' in a)) {
      board.fromPerception(s.id, a.fallback, a.reasoning);
      continue;
    }
    const trial = new Map(markup).set(s.id, a.markup);
    let code;
    try {
      code = await generate(w.design, 'html-css', trial);
    } catch (error) {
      board.fromPerception(s.id, `its code could not be formatted: ${(error as Error).message.split('\n')[0]}`, a.reasoning);
      continue;
    }
    const candidate = await attempt(w, { design: w.design, code, preview: await buildPreview(code) }, reference);
    const [page, region] = [pageFidelity(candidate.attempt, reference), await regionFidelity(candidate.attempt, reference, s.box)];
    const [basePage, baseRegion] = [current.page, await regionFidelity(current.attempt, reference, s.box)];
    if (noWorse(page, basePage) && noWorse(region, baseRegion)) {
      markup.set(s.id, a.markup);
      current = candidate;
      board.fromModel(s.id, a.reasoning);
    } else {
      board.fromPerception(s.id, `it rendered further from the design (${noWorse(region, baseRegion) ? worstDrop(page, basePage) : worstDrop(region, baseRegion)})`, a.reasoning);
    }
  }
  return current.attempt;
}

async function attempt(w: ModelServerWrite, generated: Generated, reference: Reference): Promise<{ attempt: Attempt; page: ReturnType<typeof pageFidelity> }> {
  if (w.signal?.aborted) throw new LoupeError('CANCELLED', `${w.image.name}: cancelled.`);
  const rendered = await renderCode(w.pool, generated.preview, w.image, w.signal);
  const a: Attempt = { ...generated, ...rendered, pixels: await comparePixels(w.designPng, rendered.render.png) };
  return { attempt: a, page: pageFidelity(a, reference) };
}

/** The page with the segments' markup; a segment whose markup breaks the page's formatting is left out and reported. */
async function generateWith(w: ModelServerWrite, markup: Map<string, Markup>, board: SegmentBoard) {
  try {
    return await generate(w.design, 'html-css', markup);
  } catch {
    for (const [id, m] of [...markup]) {
      try {
        await generate(w.design, 'html-css', new Map([[id, m]]));
      } catch (error) {
        markup.delete(id);
        board.fromPerception(id, `its code could not be formatted: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    return generate(w.design, 'html-css', markup);
  }
}

/** Perception's code for one segment: the segment's node as a page of its own, its body and styles. */
async function perceptionMarkup(design: Design, segment: Segment): Promise<string> {
  const root = segment.node.type === 'frame' ? segment.node : { ...design.root, children: [segment.node], box: segment.box };
  const code = await generate({ ...design, root, viewport: { width: Math.round(segment.box.width), height: Math.round(segment.box.height) } }, 'html-css');
  const page = String(code.files.find((f) => f.path === code.entry)!.contents);
  const body = /<body>([\s\S]*)<\/body>/.exec(page)?.[1]?.trim() ?? '';
  // The fonts and the reset are the page's already; the model needs the segment's own rules.
  const rules = (/<style>([\s\S]*)<\/style>/.exec(page)?.[1] ?? '')
    .split(/\n\s*\n/)
    .map((r) => r.trim())
    .filter((r) => r.startsWith('.'));
  return `<style>\n${rules.join('\n')}\n</style>\n${body}`;
}

const reasoningOf = (a: SegmentAnswer) => a.reasoning;
