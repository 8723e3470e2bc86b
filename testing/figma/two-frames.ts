// A Figma file with two frames of one page, a desktop one and a phone one, for the tests of one
// page at two widths from Figma: the pair page (testing/service/two-widths-pair.ts) exported at
// 1280 and at 390 px by the DOM → Figma exporter, as two frames of one GET /v1/files/:key/nodes
// response, each with its screenshot as Figma's PNG of it; and each frame as a response of its
// own, as the app takes two frames (two files dropped at once).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GetFileNodesResponse } from '@figma/rest-api-spec';
import type { RenderPool } from '../../engine/render/pool.ts';
import { PAIR_PAGE, PAIR_WIDTHS } from '../service/two-widths-pair.ts';
import { exportPageToFigma } from './dom-export.ts';

export interface FigmaFrameFile {
  json: string;
  /** Each frame: its node id in `json`, the file of its own response, and Figma's picture of it. */
  frames: Record<'desktop' | 'phone', { node: string; json: string; png: string }>;
}

/** Writes page.json (both frames), desktop.json and phone.json (one each), and desktop.png, phone.png (Figma's pictures of them) into `dir`. */
export async function writeTwoFrameFigmaFile(pool: RenderPool, dir: string): Promise<FigmaFrameFile> {
  const html = await readFile(PAIR_PAGE, 'utf8');
  const nodes: GetFileNodesResponse['nodes'] = {};
  const frames = {} as FigmaFrameFile['frames'];
  for (const [i, which] of (['desktop', 'phone'] as const).entries()) {
    const viewport = { width: PAIR_WIDTHS[which], height: 600 };
    const { response, frameId } = await pool.withPage(html, viewport, (page) => exportPageToFigma(page, which, i + 1));
    nodes[frameId] = response.nodes[frameId]!;
    const png = join(dir, `${which}.png`);
    await writeFile(png, (await pool.screenshot(html, viewport)).png);
    const own = join(dir, `${which}.json`);
    await writeFile(own, JSON.stringify(response));
    frames[which] = { node: frameId, json: own, png };
  }
  const json = join(dir, 'page.json');
  await writeFile(json, JSON.stringify({ name: 'page', role: 'owner', lastModified: new Date(0).toISOString(), editorType: 'figma', thumbnailUrl: '', version: '1', nodes } satisfies GetFileNodesResponse));
  return { json, frames };
}
