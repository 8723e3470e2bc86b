// A small walkthrough video for the app's tests, made the way a person records one: three pages
// rendered in Chromium at a small viewport; the first is scrolled, then a click opens the second
// and another the third, with the cursor drawn over every frame; encoded as H.264 as a screen
// recorder writes it.
import sharp from 'sharp';
import { startVideoEncoder } from '../ingest/video-encode.ts';
import type { RenderPool } from '../../engine/render/pool.ts';
import { cursorSprite, drawCursor } from '../video/walkthroughs/cursor.ts';
import type { Point } from '../video/walkthroughs/motion.ts';
import { pageScript } from '../../engine/render/page-script.ts';

const VIEWPORT = { width: 480, height: 320 };
const FPS = 10;

const PAGES = {
  guide: `<body style="margin:0;font-family:'Liberation Sans'">
    <header style="height:48px;background:#1d2a3a;color:#fff;font:bold 18px 'Liberation Sans';display:flex;align-items:center;padding:0 20px">Field guide</header>
    ${['Birds', 'Trees', 'Rivers', 'Stones', 'Clouds'].map((topic, i) => `<section style="padding:18px 20px;border-bottom:1px solid #ddd;background:${i % 2 ? '#f3f6fa' : '#fff'}">
      <h2 style="margin:0 0 6px;font:bold 20px 'Liberation Sans';color:#1d2a3a">${topic}</h2>
      <p style="margin:0;font:15px/1.5 'Liberation Sans';color:#445">How to tell ${topic.toLowerCase()} apart on a walk, chapter ${i + 1}.</p>
      <a style="display:inline-block;margin-top:8px;padding:6px 14px;background:#2f6fed;color:#fff;font:14px 'Liberation Sans';border-radius:4px">Open ${topic}</a>
    </section>`).join('')}
  </body>`,
  trees: `<body style="margin:0;background:#fffaf0;font-family:'Liberation Sans'">
    <h1 style="margin:0;padding:24px 20px 8px;font:bold 26px 'Liberation Sans';color:#3a2a10">Trees</h1>
    <div style="display:flex;gap:12px;padding:12px 20px">${['Oak', 'Birch', 'Pine'].map((t, i) => `<div style="width:130px;height:120px;background:hsl(${90 + i * 40},45%,70%);border-radius:8px;padding:10px;font:16px 'Liberation Sans'">${t}</div>`).join('')}</div>
    <a style="display:inline-block;margin:12px 20px;padding:8px 16px;background:#8a4b12;color:#fff;font:15px 'Liberation Sans';border-radius:4px">Contact the ranger</a>
  </body>`,
  contact: `<body style="margin:0;background:#eef4ee;font-family:'Liberation Sans'">
    <h1 style="margin:0;padding:24px 20px 12px;font:bold 26px 'Liberation Sans';color:#17401f">Contact</h1>
    <p style="margin:0 20px 16px;font:15px/1.5 'Liberation Sans';color:#334">Write to the ranger station about what you saw.</p>
    <div style="margin:0 20px;padding:10px;width:300px;border:1px solid #8a9;background:#fff;font:15px 'Liberation Sans';color:#889">Your message</div>
    <span style="display:inline-block;margin:14px 20px;padding:8px 18px;background:#17401f;color:#fff;font:15px 'Liberation Sans';border-radius:4px">Send</span>
  </body>`,
};

type Frame = Buffer;

/** The page's viewport at each scroll offset (RGBA), and the middle of its link, in page coordinates. */
async function views(pool: RenderPool, html: string, offsets: readonly number[], link?: string): Promise<{ frames: Frame[]; link: Point }> {
  return pool.withPage(html, VIEWPORT, async (page) => {
    const frames: Frame[] = [];
    for (const y of offsets) {
      await page.evaluate(`window.scrollTo(0, ${y})`);
      frames.push(await sharp(await page.screenshot()).ensureAlpha().raw().toBuffer());
    }
    const at = link
      ? await page.evaluate<Point>(await pageScript(new URL('./page/link-centre.ts', import.meta.url), link))
      : { x: 0, y: 0 };
    return { frames, link: at };
  });
}

export interface WalkthroughOptions {
  /** Seconds the last page stays on screen (default 1). */
  endS?: number;
}

/**
 * Writes the walkthrough to `path` (.mp4): the guide scrolled from its top down to its Trees
 * section, a click on "Open Trees", the Trees page, a click on "Contact the ranger", the Contact
 * page; about 5 s at 10 frames a second.
 */
export async function writeWalkthrough(pool: RenderPool, path: string, { endS = 1 }: WalkthroughOptions = {}): Promise<void> {
  const scrolls = [0, 0, 0, 0, 40, 90, 150, 190, 190, 190];
  const guide = await views(pool, PAGES.guide, scrolls, 'Open Trees');
  const trees = await views(pool, PAGES.trees, [0], 'Contact the ranger');
  const contact = await views(pool, PAGES.contact, [0]);
  const sprite = await cursorSprite(VIEWPORT.height);
  const encoder = startVideoEncoder({ path, codec: 'h264', width: VIEWPORT.width, height: VIEWPORT.height, fps: FPS, crf: 18 });
  let cursor: Point = { x: 400, y: 160 };
  /** `frames` frames of the view, the cursor gliding to `to` over the first `moving` of them. */
  const show = async (view: Frame, frames: number, to = cursor, moving = 0) => {
    const from = cursor;
    for (let i = 1; i <= frames; i++) {
      const t = moving ? Math.min(1, i / moving) : 1;
      await encoder.write(drawCursor(view, VIEWPORT.width, sprite, { x: Math.round(from.x + (to.x - from.x) * t), y: Math.round(from.y + (to.y - from.y) * t) }));
    }
    cursor = to;
  };
  for (const view of guide.frames) await show(view, 1);
  const scrolledTo = scrolls.at(-1)!;
  await show(guide.frames.at(-1)!, 8, { x: guide.link.x, y: guide.link.y - scrolledTo }, 5);
  await show(trees.frames[0]!, 8);
  await show(trees.frames[0]!, 8, trees.link, 5);
  await show(contact.frames[0]!, Math.round(endS * FPS));
  await encoder.finish();
}
