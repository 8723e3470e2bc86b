// The mouse pointer drawn into each frame. Headless screenshots have no pointer, and drawing one
// in the page would make every frame of a cursor move a fresh screenshot; drawn here, over the
// page's pixels, it is what an operating system does (the pointer sits above the page and does
// not scale with it), and a move over one unchanged page costs a copy and a small blend.
import sharp from 'sharp';
import type { Point } from './motion.ts';

export interface CursorSprite {
  width: number;
  height: number;
  /** width × height × 4, RGBA, not premultiplied. */
  rgba: Buffer;
  /** The pixel of the sprite that points: the arrow's tip. */
  hotspot: Point;
}

/** The classic arrow, white with a dark outline, 12 × 19 units with its tip at (1, 1). */
const ARROW = 'M1 1 L1 17 L5 13.2 L7.6 19 L10 18 L7.5 12.3 L12.6 12.3 Z';

/** A pointer about as tall, relative to the screen, as a desktop one: some 21 px on an 800 px screen. */
export async function cursorSprite(viewportHeight: number): Promise<CursorSprite> {
  const scale = Math.max(0.75, viewportHeight / 800) * 1.1;
  const width = Math.ceil(14 * scale);
  const height = Math.ceil(21 * scale);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width / scale} ${height / scale}"><path d="${ARROW}" fill="#fff" stroke="#111" stroke-width="1.1" stroke-linejoin="round"/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: data, hotspot: { x: Math.round(scale), y: Math.round(scale) } };
}

/** A copy of `frame` (RGBA, `frameWidth` wide) with the pointer's tip at `at`, clipped at the edges. */
export function drawCursor(frame: Buffer, frameWidth: number, sprite: CursorSprite, at: Point): Buffer {
  const out = Buffer.from(frame);
  const frameHeight = frame.length / 4 / frameWidth;
  const left = at.x - sprite.hotspot.x;
  const top = at.y - sprite.hotspot.y;
  for (let sy = Math.max(0, -top); sy < sprite.height && top + sy < frameHeight; sy++) {
    for (let sx = Math.max(0, -left); sx < sprite.width && left + sx < frameWidth; sx++) {
      const s = (sy * sprite.width + sx) * 4;
      const alpha = sprite.rgba[s + 3] / 255;
      if (alpha === 0) continue;
      const d = ((top + sy) * frameWidth + left + sx) * 4;
      for (let c = 0; c < 3; c++) out[d + c] = Math.round(sprite.rgba[s + c] * alpha + out[d + c] * (1 - alpha));
    }
  }
  return out;
}
