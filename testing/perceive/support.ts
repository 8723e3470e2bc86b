// What the perception tests share: walking a perceived tree and comparing colours.
import sharp from 'sharp';
import type { DesignNode } from '../../engine/ir/schema.ts';
import type { DecodedImage } from '../../engine/ingest/decoded-image.ts';
import type { RenderPool } from '../../engine/render/pool.ts';

/** Every node of the tree, the root first. */
export function allNodes(n: DesignNode, out: DesignNode[] = []): DesignNode[] {
  out.push(n);
  if (n.type === 'frame') for (const c of n.children) allNodes(c, out);
  return out;
}

/** Euclidean distance of two #rrggbb colours in RGB. */
export function hexDist(a: string, b: string): number {
  const p = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [p(a), p(b)];
  return Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!, x[2]! - y[2]!);
}

/** A screenshot of `html` as the decoded image perception takes. */
export async function renderImage(pool: RenderPool, html: string, width: number, height: number): Promise<DecodedImage> {
  const shot = await pool.screenshot(html, { width, height });
  const { data, info } = await sharp(shot.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { name: 'synthetic.png', width: info.width, height: info.height, rgba: data };
}
