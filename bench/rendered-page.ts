// A page as the page benchmarks render both sides of a comparison: full page at a viewport
// width, with its text blocks and whether it scrolls sideways read from the DOM.
import type { TextBlock } from '../engine/ir/index.ts';
import { extractTextBlocks } from '../engine/compare/index.ts';
import type { RenderPool, Screenshot } from '../engine/render/pool.ts';

export interface RenderedPage extends Screenshot {
  blocks: TextBlock[];
  /** The document is wider than the viewport (by more than 1 px, which rounding can give). */
  scrollsSideways: boolean;
}

/** The initial viewport height; the screenshot grows to the full page. */
const VIEWPORT_HEIGHT = 800;

export async function renderPage(html: string, width: number, pool: RenderPool): Promise<RenderedPage> {
  let blocks: TextBlock[] = [];
  let scrollWidth = 0;
  const shot = await pool.screenshot(html, { width, height: VIEWPORT_HEIGHT }, {
    inspect: async (page) => {
      blocks = await extractTextBlocks(page);
      scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    },
  });
  return { ...shot, blocks, scrollsSideways: scrollWidth > width + 1 };
}
