// What the perception tests share: walking a perceived tree and comparing colours.
import sharp from 'sharp';
import { hexToRgb } from '../../engine/ir/color.ts';
import type { DesignNode } from '../../engine/ir/schema.ts';
import type { DecodedImage } from '../../engine/ingest/decoded-image.ts';
import { dist } from '../../engine/perceive/pixels.ts';
import type { RenderPool } from '../../engine/render/pool.ts';

/** Every node of the tree, the root first. */
export function allNodes(n: DesignNode, out: DesignNode[] = []): DesignNode[] {
  out.push(n);
  if (n.type === 'frame') for (const c of n.children) allNodes(c, out);
  return out;
}

/** Euclidean distance of two #rrggbb colours in RGB. */
export const hexDist = (a: string, b: string): number => dist(hexToRgb(a), hexToRgb(b));

/** A screenshot of `html` as the decoded image perception takes. */
export async function renderImage(pool: RenderPool, html: string, width: number, height: number): Promise<DecodedImage> {
  const shot = await pool.screenshot(html, { width, height });
  const { data, info } = await sharp(shot.png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { name: 'synthetic.png', width: info.width, height: info.height, rgba: data };
}
