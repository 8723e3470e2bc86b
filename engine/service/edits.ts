// Hand edits of a stored version: the edited text files replace the version's; the code is
// previewed (fast: no browser) and on request rendered and scored against the design, the same
// way the conversion was scored (one page at two widths: against each of its designs).
import { buildPreview, type GeneratedCode, type Stack } from '../codegen/index.ts';
import { comparePixels, scoreBlocks, type CodeChecks } from '../compare/index.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { renderCode } from '../think/attempt.ts';
import type { Scores } from '../pipeline/convert.ts';
import type { RenderPool } from '../render/pool.ts';
import type { HistoryStore, StoredVersion } from '../history/store.ts';
import { LoupeError } from '../errors.ts';
import type { TextFile } from '../api/contract.ts';
import type { TextBlock } from '../ir/index.ts';

export interface EditedCode {
  version: StoredVersion;
  code: GeneratedCode;
}

export function editedCode(history: HistoryStore, versionId: string, files: TextFile[]): EditedCode {
  const version = history.version(versionId);
  const known = new Map(version.files.map((f) => [f.path, f] as const));
  for (const f of files) {
    if (!known.has(f.path)) throw new LoupeError('INVALID_ARGUMENT', `The code has no file ${f.path}; edit one of the generated files.`);
    if (typeof known.get(f.path)!.contents !== 'string') throw new LoupeError('INVALID_ARGUMENT', `${f.path} is a binary file and cannot be edited as text.`);
  }
  const edited = new Map(files.map((f) => [f.path, f.contents] as const));
  const code: GeneratedCode = {
    stack: version.stack as Stack,
    entry: version.entry,
    files: version.files.map((f) => ({ path: f.path, contents: edited.get(f.path) ?? f.contents })),
  };
  return { version, code };
}

export interface ScoredRender {
  render: Buffer;
  diff: Buffer;
  scores: Scores;
  checks: CodeChecks;
}

/** Renders the code at the design's size and scores it against the design's pixels and text; `narrow`, for one page at two widths, at its narrower design's. */
export async function renderAndScore(history: HistoryStore, designId: string, code: GeneratedCode, pool: RenderPool): Promise<ScoredRender & { narrow?: ScoredRender }> {
  const design = history.design(designId);
  const preview = await buildPreview(code);
  const [wide, narrow] = await Promise.all([scoreAgainst(design, preview, pool), design.narrow && scoreAgainst(design.narrow, preview, pool)]);
  return narrow ? { ...wide, narrow } : wide;
}

async function scoreAgainst(design: { name: string; png: Uint8Array; textBlocks: TextBlock[] }, preview: string, pool: RenderPool): Promise<ScoredRender> {
  const png = Buffer.from(design.png);
  const image = await decodeDesignImage(png, design.name);
  const rendered = await renderCode(pool, preview, image);
  const pixels = await comparePixels(png, rendered.render.png);
  const blocks = scoreBlocks(design.textBlocks, rendered.blocks, image, rendered.render);
  return {
    render: rendered.render.png,
    diff: pixels.heatmap,
    scores: { ssim: pixels.ssim, mismatch: pixels.mismatchRatio, ...blocks.scores },
    checks: rendered.checks,
  };
}
