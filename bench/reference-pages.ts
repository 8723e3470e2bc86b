// Reference pages for the Design2Code benchmark: each HTML page rendered once at the
// benchmark width, with its text blocks and sideways scrolling read from the DOM, and cached on
// disk by content.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RenderPool } from '../engine/render/pool.ts';
import { mediaTypeOf } from '../engine/codegen/media-types.ts';
import { renderPage, type RenderedPage } from './rendered-page.ts';

export interface ReferencePage extends RenderedPage {
  name: string;
}

/** Part of every cache key: raised when the cached fields or how pages are captured change (3: animations run to their end), so older entries are not read. */
const CACHE_FORMAT = 3;

/** Inlines images that sit beside the page (Design2Code pages use rick.jpg), since renders have no file or network access. */
export async function inlineLocalImages(html: string, pageDir: string): Promise<string> {
  const cache = new Map<string, string | undefined>();
  const dataUri = async (ref: string) => {
    if (!cache.has(ref)) {
      const path = resolve(pageDir, ref);
      const mime = mediaTypeOf(ref);
      const ok = mime?.startsWith('image/') && !/^[a-z]+:/i.test(ref) && path.startsWith(resolve(pageDir)) && existsSync(path);
      cache.set(ref, ok ? `data:${mime};base64,${(await readFile(path)).toString('base64')}` : undefined);
    }
    return cache.get(ref);
  };
  const refs = new Set([...html.matchAll(/(?:src=["']|url\(["']?)([^"')]+)/g)].map((m) => m[1]));
  let out = html;
  for (const ref of refs) {
    const uri = await dataUri(ref);
    if (uri) out = out.split(ref).join(uri);
  }
  return out;
}

/** The page's HTML as it is rendered: its local images inlined. */
export async function readReferenceHtml(pagePath: string): Promise<string> {
  // A page linked into another folder (a subset of the dev set) still finds the images beside the original.
  return inlineLocalImages(await readFile(pagePath, 'utf8'), dirname(await realpath(pagePath)));
}

export async function renderReference(pagePath: string, width: number, pool: RenderPool, cacheDir: string): Promise<ReferencePage> {
  const html = await readReferenceHtml(pagePath);
  const key = createHash('sha256').update(`${CACHE_FORMAT}\n${width}\n${html}`).digest('hex').slice(0, 24);
  const pngPath = join(cacheDir, `${key}.png`);
  const metaPath = join(cacheDir, `${key}.json`);
  const name = pagePath.split(/[\\/]/).pop()!;
  if (existsSync(pngPath) && existsSync(metaPath)) {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Omit<ReferencePage, 'png' | 'name'>;
    return { name, png: await readFile(pngPath), ...meta };
  }
  const { png, ...meta } = await renderPage(html, width, pool);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(pngPath, png);
  await writeFile(metaPath, JSON.stringify(meta));
  return { name, png, ...meta };
}
