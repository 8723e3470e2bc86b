// A desktop and a phone design of one real page, for the tests of one page at two widths: a
// Design2Code page (a short article page with a header and a menu) rendered in Chromium at 1280
// and at 390 px, each as tall as the page is at that width, written as PNG files.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderPool } from '../../engine/render/pool.ts';
import { DESIGN2CODE_DATA } from '../data.ts';

export const PAIR_PAGE = join(DESIGN2CODE_DATA, '2310.html');
export const PAIR_WIDTHS = { desktop: 1280, phone: 390 } as const;

/** Writes desktop.png and phone.png into `dir`; returns their paths. */
export async function writeDesignPair(pool: RenderPool, dir: string): Promise<{ desktop: string; phone: string }> {
  const html = await readFile(PAIR_PAGE, 'utf8');
  const paths = { desktop: join(dir, 'desktop.png'), phone: join(dir, 'phone.png') };
  for (const which of ['desktop', 'phone'] as const) {
    const shot = await pool.screenshot(html, { width: PAIR_WIDTHS[which], height: 600 });
    await writeFile(paths[which], shot.png);
  }
  return paths;
}
