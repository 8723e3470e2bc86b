// Regions → IR nodes: boxes become frames with their fill, border, corners and shadow; lines
// become dividers; pictures become image nodes whose asset is cut from the design at their box.
import sharp from 'sharp';
import type { DecodedImage } from '../ingest/decoded-image.ts';
import type { Design, DesignNode, Shadow, Style } from '../ir/schema.ts';
import { frame, noStyle } from '../ir/build.ts';
import { toHex } from '../ir/color.ts';
import type { IntRect } from './pixels.ts';
import { rampPaint } from './ramp.ts';
import type { Region } from './regions.ts';

/** The nodes of `regions` and their descendants, in one flat list; cut pictures are added to `assets`. */
export async function regionNodes(
  image: DecodedImage,
  regions: Region[],
  newId: (prefix: string) => string,
  assets: Design['assets'],
): Promise<DesignNode[]> {
  const out: DesignNode[] = [];
  const add = async (r: Region) => {
    const box = { x: r.rect.x0, y: r.rect.y0, width: r.rect.x1 - r.rect.x0, height: r.rect.y1 - r.rect.y0 };
    if (r.kind === 'picture') {
      const assetId = newId('a');
      assets[assetId] = await cut(image, r.rect, r.flatColours ? 'png' : 'webp');
      out.push({ type: 'image', id: newId('i'), box, sizing: { width: 'fixed', height: 'fixed' }, assetId, alt: '', fit: 'fill' });
    } else {
      const role = r.kind === 'divider' ? 'divider' : undefined;
      out.push(frame(newId('f'), box, [], { sizing: { width: 'fixed', height: 'fixed' }, style: regionStyle(r), ...(role && { role }) }));
    }
    for (const c of r.children) await add(c);
  };
  for (const r of regions) await add(r);
  return out;
}

function regionStyle(r: Region): Style {
  const style = noStyle();
  if (r.fill) {
    const vertical = r.fill.axis === 'y';
    style.fills.push(rampPaint(r.fill, vertical ? r.rect.y0 : r.rect.x0, vertical ? r.rect.y1 - r.rect.y0 : r.rect.x1 - r.rect.x0));
  }
  if (r.border) {
    const [top, right, bottom, left] = r.border.width;
    style.border = { color: toHex(r.border.color), style: 'solid', width: { top, right, bottom, left } };
  }
  if (r.radius) style.radius = r.radius;
  if (r.shadow) {
    const alpha = Math.round(r.shadow.alpha * 255).toString(16).padStart(2, '0');
    const shadow: Shadow = { x: r.shadow.x, y: r.shadow.y, blur: r.shadow.blur, spread: 0, color: `#000000${alpha}`, inset: false };
    style.shadows.push(shadow);
  }
  return style;
}

/** The design's pixels inside `r`: lossless PNG for flat icons and logos, WebP for photos. */
async function cut(image: DecodedImage, r: IntRect, format: 'png' | 'webp'): Promise<Design['assets'][string]> {
  const width = r.x1 - r.x0, height = r.y1 - r.y0;
  const pixels = sharp(image.rgba, { raw: { width: image.width, height: image.height, channels: 4 } })
    .extract({ left: r.x0, top: r.y0, width, height })
    .removeAlpha();
  const data = await (format === 'png' ? pixels.png({ palette: true, effort: 1 }) : pixels.webp({ quality: 82 })).toBuffer();
  return { mime: format === 'png' ? 'image/png' : 'image/webp', width, height, data: data.toString('base64') };
}
