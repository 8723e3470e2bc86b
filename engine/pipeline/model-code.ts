// Code written by a vision-language model instead of generated from the IR: the local MoE engine
// is shown the design and asked for one HTML file. What it writes is used only if it is usable
// code (an HTML document with content, nothing loaded from the network); otherwise the
// conversion falls back to the IR's code and says why, so a weak or broken model never leaves
// the user without a result.
import { parse } from 'parse5';
import type { GeneratedCode } from '../codegen/index.ts';
import { LoupeError } from '../errors.ts';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design } from '../ir/index.ts';
import { EngineClient } from '../moe/runtime/engine-client.ts';
import type { EngineOptions } from '../moe/runtime/engine.ts';

export interface LocalBackend {
  kind: 'local';
  /** A model package (loupe models create-test / convert). */
  modelDir: string;
  /** The most tokens the model may write (default 4096). */
  maxTokens?: number;
  engine?: EngineOptions;
}

export type ModelCodeResult = { code: GeneratedCode; text: string } | { fallback: string; text: string };

const MAX_HTML_BYTES = 1024 * 1024;

/** The instruction, with the text perception read so the model spells it as the design does. */
export function codePrompt(design: Design): string {
  const lines: string[] = [];
  const visit = (n: Design['root'] | Design['root']['children'][number]) => {
    if (n.type === 'text') lines.push(n.text);
    if (n.type === 'frame') n.children.forEach(visit);
  };
  visit(design.root);
  return [
    `Write one self-contained HTML file (a <style> element, no scripts, nothing loaded from the network) that reproduces this design at ${design.viewport.width}×${design.viewport.height} px.`,
    'Use flexbox for layout, real text, and semantic tags (header, nav, main, section, footer, button, a).',
    ...(lines.length ? ['The text on the design, top to bottom:', ...lines.slice(0, 200).map((l) => `- ${l}`)] : []),
    'Answer with the HTML only, in one ```html block.',
  ].join('\n');
}

/** The HTML document in a model's answer: a fenced html block, or the text from <!doctype/<html to </html>. */
export function extractHtml(text: string): string | undefined {
  const fenced = /```html\s*\n([\s\S]*?)```/i.exec(text)?.[1];
  if (fenced?.trim()) return fenced.trim();
  const start = text.search(/<!doctype html|<html[\s>]/i);
  const end = text.toLowerCase().lastIndexOf('</html>');
  return start >= 0 && end > start ? text.slice(start, end + '</html>'.length) : undefined;
}

/** Why `html` is not usable as the conversion's code; undefined when it is. */
export function unusableHtml(html: string): string | undefined {
  if (Buffer.byteLength(html) > MAX_HTML_BYTES) return 'it is over 1 MB';
  if (/<script\b/i.test(html)) return 'it contains scripts';
  if (/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html) || /url\(\s*["']?\s*(?:https?:)?\/\//i.test(html) || /@import/i.test(html)) return 'it loads from the network';
  const doc = parse(html);
  const body = findElement(doc, 'body');
  const content = body ? countElements(body) : 0;
  if (content === 0) return 'its body is empty';
  return undefined;
}

type Node = { nodeName: string; childNodes?: Node[] };
function findElement(n: Node, name: string): Node | undefined {
  if (n.nodeName === name) return n;
  for (const c of n.childNodes ?? []) {
    const hit = findElement(c, name);
    if (hit) return hit;
  }
  return undefined;
}
const countElements = (n: Node): number => (n.childNodes ?? []).reduce((sum, c) => sum + (c.nodeName.startsWith('#') ? 0 : 1 + countElements(c)), 0);

/** A model's answer as the conversion's code, or why it cannot be. */
export function codeFromAnswer(text: string): ModelCodeResult {
  const html = extractHtml(text);
  if (!html) return { fallback: 'it wrote no HTML document', text };
  const why = unusableHtml(html);
  if (why) return { fallback: why, text };
  return { code: { stack: 'html-css', entry: 'index.html', files: [{ path: 'index.html', contents: html + '\n' }] }, text };
}

/**
 * Asks the local model for the design's code; the model's own words when it is not usable.
 * `onProgress` gets the share of the token limit written so far.
 */
export async function localModelCode(image: DecodedImage, design: Design, backend: LocalBackend, signal?: AbortSignal, onProgress?: (fraction: number) => void): Promise<ModelCodeResult> {
  const client = await EngineClient.open(backend.modelDir, backend.engine);
  try {
    // A cancel that came while the model was loading ends the job now: the engine would first look
    // at it after the prefill (the image encoded, the whole prompt run).
    if (signal?.aborted) throw new LoupeError('CANCELLED', `${image.name}: cancelled.`);
    const maxTokens = backend.maxTokens ?? 4096;
    let pieces = 0;
    const { result } = await client.generate(
      {
        messages: [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: codePrompt(design) }] }],
        images: [{ rgba: new Uint8Array(image.rgba), width: image.width, height: image.height }],
        maxTokens,
      },
      () => onProgress?.(Math.min(1, ++pieces / maxTokens)),
      signal,
    );
    if (result.stoppedBy === 'cancelled') throw new LoupeError('CANCELLED', `${image.name}: cancelled.`);
    return codeFromAnswer(result.text);
  } finally {
    await client.close();
  }
}
