// Synthetic designs for a model server's strategies: a page of stacked blocks, each a frame with
// a heading whose text names the block, so a scripted server can answer each segment's request
// with markup that says which segment it is, and a test can find it in the assembled page.
import sharp from 'sharp';
import { flowLayout, frame, text, type Design } from '../../engine/ir/index.ts';

export const BLOCK_HEIGHT = 120;
export const PAGE_WIDTH = 800;

/** The heading text of block `i` of page `page`: what the segment's prompt carries. */
export const blockTitle = (page: number, i: number) => `Block ${i} of page ${page}`;

/** The block a prompt is about, read back from its text; undefined for a prompt of no block. */
export function blockOf(prompt: string): string | undefined {
  return /Block \d+ of page \d+/.exec(prompt)?.[0];
}

/** A page of `blocks` blocks, cut by the swarm into one segment each. */
export function syntheticPage(page: number, blocks: number): Design {
  const children = Array.from({ length: blocks }, (_, i) => {
    const box = { x: 0, y: i * BLOCK_HEIGHT, width: PAGE_WIDTH, height: BLOCK_HEIGHT };
    return frame(`block-${i}`, box, [text(`title-${i}`, { x: 24, y: i * BLOCK_HEIGHT + 40, width: 300, height: 28 }, blockTitle(page, i), { fontSize: 22, lineHeight: 28 })], {
      name: `block ${i}`,
      sizing: { width: 'fill', height: 'fixed' },
      layout: flowLayout('column', { padding: { top: 40, right: 24, bottom: 40, left: 24 } }),
    });
  });
  return {
    version: 1,
    viewport: { width: PAGE_WIDTH, height: blocks * BLOCK_HEIGHT },
    root: frame('page', { x: 0, y: 0, width: PAGE_WIDTH, height: blocks * BLOCK_HEIGHT }, children, { name: 'page', sizing: { width: 'fixed', height: 'hug' } }),
    assets: {},
    source: { kind: 'image', name: `synthetic-${page}.png` },
  };
}

/** A plain picture of the page's size: the synthetic design's "screenshot" the segments are cropped from. */
export async function blankPng(design: Design): Promise<Buffer> {
  const { width, height } = design.viewport;
  return sharp({ create: { width, height, channels: 3, background: '#f4f4f4' } }).png().toBuffer();
}

/** A segment's markup as a scripted model writes it: marked with the block it was asked for. */
export const answerFor = (block: string) => `\`\`\`html\n<style>.card{display:flex;padding:40px 24px;background:#eef}</style>\n<section class="card" data-answer="${block}"><h2>${block}</h2></section>\n\`\`\``;
