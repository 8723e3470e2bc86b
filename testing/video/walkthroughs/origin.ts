// Serves the pages walkthroughs visit from one made-up origin inside the browser context: the
// hand-written sites from memory, the Design2Code dev pages (and the picture they share) from
// the dataset folder. Anything else is refused, as in every Loupe render, so a page loads
// instantly and the same way every time.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { contentTypeOf } from '../../../engine/codegen/media-types.ts';
import { STILL_STYLE } from './page-script.ts';
import { SITES, sitePageHtml } from './sites/index.ts';
import { DESIGN2CODE_DATA } from '../../data.ts';

export const ORIGIN = 'http://walkthrough.test';

/** The pretend site the Design2Code dev pages are served as: /design2code/<file>. */
export const D2C_SITE = 'design2code';

/** The dev pages the walkthroughs visit, as the repository carries them. */
export const DEFAULT_D2C_DIR = DESIGN2CODE_DATA;

export interface PageAddress {
  site: string;
  /** The file name without .html. */
  page: string;
}

/** Where a page (e.g. "shop/index.html") is served. */
export const pageUrl = (path: string): string => new URL(path, `${ORIGIN}/`).href;

export function pageAddress(url: string): PageAddress {
  const [site = '', file = ''] = new URL(url).pathname.split('/').filter(Boolean);
  return { site, page: file.replace(/\.html$/, '') };
}

async function body(pathname: string, d2cDir: string): Promise<Buffer | undefined> {
  const [site, file, ...rest] = pathname.split('/').filter(Boolean);
  if (!site || !file || rest.length > 0) return undefined;
  if (site === D2C_SITE) return readFile(join(d2cDir, basename(file))).catch(() => undefined);
  const html = SITES[site] && sitePageHtml(SITES[site], file.replace(/\.html$/, ''));
  return html === undefined ? undefined : Buffer.from(html);
}

export async function serveWalkthroughPages(context: BrowserContext, d2cDir: string): Promise<void> {
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const bytes = url.origin === ORIGIN ? await body(url.pathname, d2cDir) : undefined;
    if (!bytes) return route.abort('blockedbyclient');
    const type = contentTypeOf(url.pathname);
    // Appended after the document, the style still applies and never changes the page's doctype mode.
    return route.fulfill({ body: type.startsWith('text/html') ? Buffer.concat([bytes, Buffer.from(`<style>${STILL_STYLE}</style>`)]) : bytes, contentType: type });
  });
}
