// Columns of loose parts, read from a real rendered page by perception: a footer's columns of
// links, and cards whose boxes are not drawn, must each come out as one element holding its own
// lines (so that it wraps as a whole), while a grid of boxed cards stays a grid; a picture keeps
// its proportions when the page gets narrower than the design.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { RenderPool } from '../render/pool.ts';
import { buildPreview, generate } from '../codegen/index.ts';
import { decodeDesignImage } from '../ingest/image.ts';
import { closePerception, perceive } from '../perceive/index.ts';

const pool = new RenderPool(1);
after(async () => {
  await pool.close();
  await closePerception();
});

const column = (title: string, lines: string[]) =>
  `<div style="width:220px"><b style="display:block;font-size:20px;margin-bottom:18px">${title}</b>${lines.map((l) => `<div style="font-size:16px;margin-top:12px">${l}</div>`).join('')}</div>`;
const stripes = ['#e63946', '#f1a208', '#2a9d8f', '#264653', '#8ab17d', '#e76f51'];
const SOURCE = `<!doctype html><html><body style="margin:0;font-family:Arial,sans-serif;color:#111">
  <div style="height:240px;margin:40px 60px 0;background:linear-gradient(90deg,${stripes.map((c, i) => `${c} ${(i * 100) / 6}%,${c} ${((i + 1) * 100) / 6}%`).join(',')})"></div>
  <div style="display:flex;gap:60px;padding:56px 60px 0">
    ${column('Treasury', ['$79 a year', 'Files on S3', 'Easy field type'])}
    ${column('Ansel', ['$99 a year', 'Drag and drop', 'Aspect ratios', 'Size limits'])}
    ${column('Construct', ['$40 a year', 'Menus and pages', 'Template tags'])}
  </div>
  <div style="display:grid;grid-template-columns:repeat(3,240px);gap:40px 48px;padding:56px 60px 40px">
    ${['North', 'South', 'East', 'West', 'Up', 'Down'].map((t) => `<div style="height:110px;background:#dfe7f2;border-radius:8px;padding:16px;font-size:18px;box-sizing:border-box">${t}</div>`).join('')}
  </div>
</body></html>`;

test('a page of loose columns and a grid of boxed cards: one element per column, the grid in rows, the picture in proportion', async () => {
  const shot = await pool.screenshot(SOURCE, { width: 1000, height: 700 });
  const { design } = await perceive(await decodeDesignImage(shot.png, 'columns.png'));
  const html = await buildPreview(await generate(design, 'html-css'));
  await pool.withPage(html, design.viewport, async (page) => {
    // The smallest element holding a column's title and its last line holds no other column's title.
    const holders = await page.evaluate<string[]>(`(() => {
      const el = (t) => [...document.querySelectorAll('body *')].find((e) => e.children.length === 0 && e.textContent.trim() === t);
      const holder = (a, b) => { let e = el(a); while (!e.contains(el(b))) e = e.parentElement; return e.textContent.replace(/\\s+/g, ' ').trim(); };
      return [holder('Treasury', 'Easy field type'), holder('Ansel', 'Size limits'), holder('Construct', 'Template tags')];
    })()`);
    assert.deepEqual(holders, [
      'Treasury $79 a year Files on S3 Easy field type',
      'Ansel $99 a year Drag and drop Aspect ratios Size limits',
      'Construct $40 a year Menus and pages Template tags',
    ]);
    // The boxed cards are still read row by row: North's and South's boxes share a parent before North and Up do.
    const order = await page.evaluate<string>(`[...document.querySelectorAll('body *')].filter((e) => e.children.length === 0 && ['North','South','East','West','Up','Down'].includes(e.textContent.trim())).map((e) => e.textContent.trim()).join(' ')`);
    assert.equal(order, 'North South East West Up Down');
  });
  // Narrower than the design, the picture scales down and keeps its shape.
  await pool.withPage(html, { width: 600, height: 700 }, async (page) => {
    const ratios = await page.evaluate<number[]>(`[...document.querySelectorAll('body *')].filter((e) => e.tagName === 'IMG' || getComputedStyle(e).backgroundImage !== 'none').map((e) => { const r = e.getBoundingClientRect(); return r.width / r.height; })`);
    assert.equal(ratios.length, 1, `one picture, found ${ratios.length}`);
    const designed = 880 / 240;
    assert.ok(Math.abs(ratios[0]! - designed) / designed < 0.03, `width/height ${ratios[0]} against ${designed}`);
  });
});
